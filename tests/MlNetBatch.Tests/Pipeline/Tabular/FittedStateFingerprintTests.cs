using System.Text.Json;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Pipeline.Tabular;

/// <summary>What the tabular stages learn is in the settings hash; jobs without them hash exactly as before.</summary>
public class FittedStateFingerprintTests
{
    private static readonly ObjectInfo[] s_inputs = [new(ObjectLocation.Local("/data/in/a.csv"), 100, "1", DateTimeOffset.UnixEpoch)];

    [Fact]
    public void A_step_without_tabular_settings_serializes_as_it_did_before_they_existed()
    {
        var step = new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = ["a", "b"] };

        // The hash serializes the steps; new settings that are null must add nothing, or every job would rescore.
        Assert.Equal("""{"Transform":"Concatenate","OutputColumn":"features","InputColumns":["a","b"],"Type":null,"FitRows":100000}""", JsonSerializer.Serialize(step));
    }

    [Fact]
    public void A_job_that_learned_nothing_hashes_as_before_and_what_was_learned_changes_the_hash()
    {
        var job = Job();

        var before = JobFingerprint.Settings(job, s_inputs);
        var nothingLearned = JobFingerprint.Settings(job, s_inputs, []);
        var cashCard = JobFingerprint.Settings(job, s_inputs, ["OneHotEncoding:payment:cash\u001fcard"]);
        var cashCardAgain = JobFingerprint.Settings(job, s_inputs, ["OneHotEncoding:payment:cash\u001fcard"]);
        var cardCash = JobFingerprint.Settings(job, s_inputs, ["OneHotEncoding:payment:card\u001fcash"]);
        var withVoucher = JobFingerprint.Settings(job, s_inputs, ["OneHotEncoding:payment:cash\u001fcard\u001fvoucher"]);

        Assert.Equal(before, nothingLearned);
        Assert.Equal(cashCard, cashCardAgain);
        Assert.Equal(4, new[] { before, cashCard, cardCash, withVoucher }.Distinct().Count());
    }

    [Fact]
    public void A_vocabulary_given_in_configuration_is_part_of_the_hash()
    {
        var given = Job();
        given.Preprocess.Add(new PreprocessStep { Transform = "OneHotEncoding", InputColumns = ["payment"], OutputColumn = "p", Vocabulary = ["cash", "card"] });
        var other = Job();
        other.Preprocess.Add(new PreprocessStep { Transform = "OneHotEncoding", InputColumns = ["payment"], OutputColumn = "p", Vocabulary = ["cash", "card", "voucher"] });

        Assert.NotEqual(JobFingerprint.Settings(given, s_inputs), JobFingerprint.Settings(other, s_inputs));
    }

    private static JobDefinition Job()
    {
        var job = new JobDefinition();
        job.Source.Path = "in/*.csv";
        job.Model.ModelPath = "model.onnx";
        job.Sink.Path = "out";
        job.Preprocess.Add(new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = ["a", "b"] });
        return job;
    }

    [Fact]
    public void Vocabularies_whose_joined_terms_read_alike_still_have_different_fitted_states()
    {
        var one = new MlNetBatch.Pipeline.Stages.Tabular.MapValueToKeyBlockTransform("key", "category", new MlNetBatch.Pipeline.Stages.Tabular.KeyVocabulary(["a\u001fb"]));
        var two = new MlNetBatch.Pipeline.Stages.Tabular.MapValueToKeyBlockTransform("key", "category", new MlNetBatch.Pipeline.Stages.Tabular.KeyVocabulary(["a", "b"]));

        Assert.NotEqual(one.FittedState, two.FittedState);
    }
}
