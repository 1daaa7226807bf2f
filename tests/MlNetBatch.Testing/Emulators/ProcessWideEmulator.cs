namespace MlNetBatch.Testing.Emulators;

/// <summary>
/// One server for the whole test process: started by the first test class that asks for it, shared by every class
/// after it (each in buckets, containers or prefixes of its own), and ended with the process (the server exits when
/// its parent is gone: see <see cref="EmulatorProcess"/>). A server stopped by the last class using it would be started
/// again by the next class to run, several times per assembly, and each start of a Node.js server costs half a second
/// to a second of processor time.
/// </summary>
public sealed class ProcessWideEmulator(Func<Task<EmulatorProcess>> start)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EmulatorProcess? _server;

    /// <summary>The server, started on the first call; a start that failed is tried again by the next caller.</summary>
    public async Task<EmulatorProcess> GetAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_server is null)
            {
                _server = await start().ConfigureAwait(false);
            }

            return _server;
        }
        finally
        {
            _gate.Release();
        }
    }
}
