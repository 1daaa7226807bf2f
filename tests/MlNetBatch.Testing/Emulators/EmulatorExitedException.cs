namespace MlNetBatch.Testing.Emulators;

/// <summary>The emulator process ended before it answered; the message holds what it printed.</summary>
public sealed class EmulatorExitedException(string message) : Exception(message);
