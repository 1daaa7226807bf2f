namespace MlNetBatch.Scoring;

/// <summary>How a model input's rows become its tensor.</summary>
public enum TensorLayout
{
    /// <summary>Every row has the same shape; rows are laid end to end.</summary>
    Dense,

    /// <summary>
    /// Rows are vectors of varying length (token ids): each batch is padded with zeros to its longest row along the
    /// first dimension after the batch (<c>[batch, sequence]</c>, <c>[batch, sequence, hidden]</c>).
    /// </summary>
    Padded,

    /// <summary>
    /// An input the data has no column for, whose name ends in <c>mask</c> (<c>attention_mask</c>): MlNetBatch fills it
    /// with 1 for each real position of a padded input and 0 for its padding.
    /// </summary>
    Mask,
}
