using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Watched JSON configuration files whose malformed edit is rejected: the previous values stay and the rejection is
/// logged. .NET's own JSON provider drops a file's values when a reload fails to parse, which would unschedule every
/// job in it on an editor's half-written save.
/// </summary>
internal static class GuardedJsonFiles
{
    /// <summary>Replaces the JSON files among <paramref name="configuration"/>'s sources (appsettings.json and its environment file) with guarded ones.</summary>
    public static void Guard(IConfigurationBuilder configuration)
    {
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource json && json is not Source)
            {
                sources[i] = new Source
                {
                    Path = json.Path!,
                    Optional = json.Optional,
                    ReloadOnChange = json.ReloadOnChange,
                    ReloadDelay = json.ReloadDelay,
                    FileProvider = json.FileProvider,
                    OnLoadException = json.OnLoadException,
                };
            }
        }
    }

    /// <summary>A JSON file source whose provider keeps the previous values when an edit is malformed.</summary>
    internal class Source : JsonConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder)
        {
            EnsureDefaults(builder);
            return new Provider(this);
        }
    }

    /// <summary>Loads like the JSON provider; a reload that fails to parse keeps what was loaded before.</summary>
    internal class Provider(JsonConfigurationSource source) : JsonConfigurationProvider(source)
    {
        private bool _loaded;

        /// <summary>The file's path on disk, for messages.</summary>
        protected string File => Source.FileProvider?.GetFileInfo(Source.Path!).PhysicalPath ?? Source.Path!;

        public override void Load(Stream stream)
        {
            var previous = Data;
            try
            {
                base.Load(stream);
            }
            catch (Exception e) when (_loaded)
            {
                Data = previous;
                Serilog.Log.Error("The edit of {File} is rejected, the jobs keep their previous definitions: {Reason}", File, e.InnerException?.Message ?? e.Message);
                return;
            }

            Loaded(Data);
            _loaded = true;
        }

        /// <summary>Called with each successfully loaded set of values.</summary>
        protected virtual void Loaded(IDictionary<string, string?> data)
        {
        }
    }
}
