using MlNetBatch.Worker.Cli;
using MlNetBatch.Worker.Service;

namespace MlNetBatch.Tests.Worker.Service;

/// <summary>The Windows commands cannot run here: their exact text is checked against sc.exe's and cmd.exe's rules.</summary>
public class WindowsServiceCommandsTests
{
    [Fact]
    public void Paths_with_spaces_are_quoted_inside_binPath_and_binPath_is_followed_by_a_space()
    {
        var commands = new WindowsServiceCommands(@"C:\Program Files\MlNetBatch", @"C:\ProgramData\MlNetBatch\jobs config.json", null, [@"D:\scores\nightly run", @"D:\logs"]);

        Assert.Equal(
            [
                """sc.exe create MlNetBatch binPath= "\"C:\Program Files\MlNetBatch\MlNetBatch.Worker.exe\" --config \"C:\ProgramData\MlNetBatch\jobs config.json\"" start= delayed-auto obj= "NT SERVICE\MlNetBatch" DisplayName= "MlNetBatch batch inference worker" """.TrimEnd(),
                """sc.exe description MlNetBatch "Runs the MlNetBatch batch-inference jobs on their schedules." """.TrimEnd(),
                "sc.exe failure MlNetBatch reset= 86400 actions= restart/5000/restart/5000/restart/60000",
                "sc.exe failureflag MlNetBatch 1",
                """powershell.exe -NoProfile -Command "if (-not [System.Diagnostics.EventLog]::SourceExists('MlNetBatch')) { [System.Diagnostics.EventLog]::CreateEventSource('MlNetBatch', 'Application') }" """.TrimEnd(),
                """icacls.exe "D:\scores\nightly run" /grant "NT SERVICE\MlNetBatch:(OI)(CI)M" """.TrimEnd(),
                """icacls.exe D:\logs /grant "NT SERVICE\MlNetBatch:(OI)(CI)M" """.TrimEnd(),
                "sc.exe start MlNetBatch",
            ],
            commands.Install().Select(c => c.ToString()));
    }

    [Fact]
    public void The_service_command_line_keeps_the_executable_quoted_even_without_spaces()
    {
        var commands = new WindowsServiceCommands(@"C:\mlnetbatch\", null, @"CORP\svc-mlnetbatch$", []);

        Assert.Equal("\"C:\\mlnetbatch\\MlNetBatch.Worker.exe\"", commands.BinaryPath);
        Assert.Equal(
            """sc.exe create MlNetBatch binPath= "\"C:\mlnetbatch\MlNetBatch.Worker.exe\"" start= delayed-auto obj= CORP\svc-mlnetbatch$ DisplayName= "MlNetBatch batch inference worker" """.TrimEnd(),
            commands.Install()[0].ToString());
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("", "\"\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    // Backslashes are literal unless they precede a quote, so a trailing one is doubled before the closing quote.
    [InlineData(@"C:\a dir\", "\"C:\\a dir\\\\\"")]
    [InlineData(@"C:\a\b", @"C:\a\b")]
    public void Arguments_are_quoted_by_the_C_runtime_rules(string argument, string expected) =>
        Assert.Equal(expected, WindowsCommandLine.Quote(argument));

    [Fact]
    public void Uninstall_stops_deletes_and_removes_the_event_source()
    {
        var commands = new WindowsServiceCommands(@"C:\Program Files\MlNetBatch", null, null, []);

        Assert.Equal(
            [
                "sc.exe stop MlNetBatch",
                "sc.exe delete MlNetBatch",
                """powershell.exe -NoProfile -Command "if ([System.Diagnostics.EventLog]::SourceExists('MlNetBatch')) { [System.Diagnostics.EventLog]::DeleteEventSource('MlNetBatch') }" """.TrimEnd(),
            ],
            commands.Uninstall().Select(c => c.ToString()));
    }

    [Fact]
    public async Task The_windows_install_command_prints_the_commands_here_and_refuses_to_run_them_off_windows()
    {
        var output = new StringWriter();
        var printed = await WorkerCommandLine.Create(configure: null, output).Parse(["service", "install", "--windows", "--prefix", @"C:\Program Files\MlNetBatch"]).InvokeAsync();
        var refused = new StringWriter();
        var ran = await WorkerCommandLine.Create(configure: null, refused).Parse(["service", "install", "--windows", "--enable"]).InvokeAsync();

        Assert.Equal(0, printed);
        Assert.Contains("""  sc.exe create MlNetBatch binPath= "\"C:\Program Files\MlNetBatch\MlNetBatch.Worker.exe\"" start= delayed-auto""", output.ToString());
        Assert.Equal(WorkerCommandLine.Failed, ran);
        Assert.Equal("Running the Windows service commands needs Windows; without --enable/--disable they are printed for you to run there.", refused.ToString().TrimEnd());
    }
}
