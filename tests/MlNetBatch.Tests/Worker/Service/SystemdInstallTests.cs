using System.Diagnostics;
using System.Text.Json.Nodes;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Worker.Service;

/// <summary><c>service install --systemd</c> and <c>service uninstall</c>, checked with the real <c>systemd-analyze</c>.</summary>
public class SystemdInstallTests
{
    [Fact]
    public async Task The_unit_passes_systemd_analyze_verify_and_is_hardened()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", "00:00:30"))));

        var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units);

        Assert.True(exit == 0, output);
        var (verify, said) = await Run("systemd-analyze", "verify", prefix.UnitFile);
        Assert.True(verify == 0, $"systemd-analyze verify failed: {said}\n{File.ReadAllText(prefix.UnitFile)}");
        Assert.Equal(["notify"], prefix.Values("Type"));
        Assert.Equal(["on-failure"], prefix.Values("Restart"));
        // A dedicated system user by default: a dynamic one could not write the directories the install creates.
        Assert.Equal(["mlnetbatch"], prefix.Values("User"));
        Assert.Empty(prefix.Values("DynamicUser"));
        Assert.Equal(["strict"], prefix.Values("ProtectSystem"));
        Assert.Equal(["yes"], prefix.Values("NoNewPrivileges"));
        Assert.Equal(["yes"], prefix.Values("PrivateTmp"));
        Assert.Equal(["yes"], prefix.Values("ProtectHome"));
        Assert.Equal(["-/etc/mlnetbatch/env"], prefix.Values("EnvironmentFile"));
        // No MlNetBatch:StateDirectory: systemd makes /var/lib/mlnetbatch for the run history, owned by the service's user.
        Assert.Equal(["mlnetbatch"], prefix.Values("StateDirectory"));
        Assert.Equal([prefix.Prefix], prefix.Values("WorkingDirectory"));
        // The prefix has a space: the program is one quoted word.
        Assert.Equal([$"\"{prefix.Executable}\""], prefix.Values("ExecStart"));
        Assert.Contains("sudo systemctl daemon-reload", output);
        Assert.Contains("sudo systemctl enable --now mlnetbatch", output);
        Assert.Contains("systemctl status mlnetbatch", output);
        Assert.Contains("journalctl -u mlnetbatch", output);
    }

    [Fact]
    public async Task ReadWritePaths_holds_exactly_the_local_output_state_and_log_directories_of_the_configured_jobs()
    {
        var settings = Settings(Jobs(
            ("relative", "out/relative", null),
            ("nested", "out/relative/inner", null),
            ("absolute", "/srv/mlnetbatch-test/scores", null),
            ("uri", "file:///srv/mlnetbatch-test/by-uri", null),
            ("cloud", "s3://bucket/scores", null),
            ("blob", "az://container/scores", null)));
        settings["MlNetBatch"]!["StateDirectory"] = "state";
        using var prefix = new ServicePrefix(settings);
        var extra = prefix.Combine("jobs.json");
        // A --config file's relative paths resolve against its own folder.
        await File.WriteAllTextAsync(extra, Settings(Jobs(("from-file", "file-out", null))).ToJsonString());
        try
        {
            var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--config", extra);

            Assert.True(exit == 0, output);
            Assert.Equal(
                [string.Join(' ', new[]
                {
                    prefix.Combine("file-out"),
                    Path.Combine(prefix.Prefix, "logs"),
                    Path.Combine(prefix.Prefix, "out", "relative"),
                    Path.Combine(prefix.Prefix, "state"),
                    "/srv/mlnetbatch-test/by-uri",
                    "/srv/mlnetbatch-test/scores",
                }.Order(StringComparer.Ordinal).Select(p => p.Contains(' ') ? $"\"{p}\"" : p))],
                prefix.Values("ReadWritePaths"));
            Assert.Equal([$"\"{prefix.Executable}\" --config {extra}"], prefix.Values("ExecStart"));
            Assert.Empty(prefix.Values("StateDirectory"));
            // systemd would refuse to start with a missing ReadWritePaths= directory: install creates them.
            Assert.True(Directory.Exists("/srv/mlnetbatch-test/scores"));
            Assert.True(Directory.Exists(Path.Combine(prefix.Prefix, "state")));
        }
        finally
        {
            Directory.Delete("/srv/mlnetbatch-test", recursive: true);
        }
    }

    [Fact]
    public async Task A_local_TensorRT_cache_path_is_among_the_ReadWritePaths()
    {
        var jobs = Jobs(("gpu", "out/gpu", null), ("cached", "s3://bucket/scores", null));
        jobs["gpu"]!["Model"]!["TensorRt"] = true;
        jobs["gpu"]!["Model"]!["TensorRtCachePath"] = "trt-cache";
        jobs["cached"]!["Model"]!["TensorRt"] = true;
        jobs["cached"]!["Model"]!["TensorRtCachePath"] = "/var/cache/mlnetbatch-test-trt";
        using var prefix = new ServicePrefix(Settings(jobs));
        try
        {
            var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units);

            Assert.True(exit == 0, output);
            var paths = SplitPaths(Assert.Single(prefix.Values("ReadWritePaths")));
            Assert.Contains(Path.Combine(prefix.Prefix, "trt-cache"), paths);
            Assert.Contains("/var/cache/mlnetbatch-test-trt", paths);
            Assert.True(Directory.Exists("/var/cache/mlnetbatch-test-trt"));
        }
        finally
        {
            Directory.Delete("/var/cache/mlnetbatch-test-trt", recursive: true);
        }
    }

    [Fact]
    public async Task TimeoutStopSec_is_the_longest_shutdown_grace_period_plus_the_margin()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("quick", "out/quick", "00:00:10"), ("slow", "out/slow", "00:04:05"), ("default", "out/default", null))));

        var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units);

        Assert.True(exit == 0, output);
        Assert.Equal(["275"], prefix.Values("TimeoutStopSec"));
    }

    [Fact]
    public async Task A_dedicated_user_replaces_the_dynamic_one_and_owns_the_directories_install_creates()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));

        var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--user", "nobody");

        Assert.True(exit == 0, output);
        Assert.Equal(["nobody"], prefix.Values("User"));
        Assert.Empty(prefix.Values("DynamicUser"));
        var (_, owner) = await Run("stat", "-c", "%U", Path.Combine(prefix.Prefix, "out", "only"));
        Assert.Equal("nobody", owner.Trim());
    }

    [Fact]
    public async Task A_missing_user_is_created_with_enable_and_owns_the_directories_install_creates()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));
        var user = TestUserName();
        try
        {
            // systemctl fails here (no running systemd), after the user and the directories are ready.
            var (_, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--user", user, "--enable");

            Assert.Contains($"  useradd --system --no-create-home --shell /usr/sbin/nologin {user}", output.Split('\n'));
            Assert.Equal([user], prefix.Values("User"));
            var (_, shell) = await Run("getent", "passwd", user);
            Assert.EndsWith(":/usr/sbin/nologin", shell.Trim());
            Assert.Equal(user, (await Run("stat", "-c", "%U", Path.Combine(prefix.Prefix, "out", "only"))).Output.Trim());
            Assert.Equal(user, (await Run("stat", "-c", "%U", Path.Combine(prefix.Prefix, "logs"))).Output.Trim());
        }
        finally
        {
            await Run("userdel", user);
        }
    }

    [Fact]
    public async Task Without_enable_a_missing_user_is_not_created_but_the_commands_to_create_it_are_printed()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));
        var user = TestUserName();

        var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--user", user);

        Assert.True(exit == 0, output);
        var lines = output.Split('\n');
        Assert.Contains($"The service's user {user} does not exist yet. Create it and give it the directories created above with:", lines);
        Assert.Contains($"  sudo useradd --system --no-create-home --shell /usr/sbin/nologin {user}", lines);
        Assert.Contains($"  sudo chown {user} '{Path.Combine(prefix.Prefix, "out", "only")}'", lines);
        Assert.Contains($"  sudo chown {user} '{Path.Combine(prefix.Prefix, "logs")}'", lines);
        Assert.NotEqual(0, (await Run("id", "-u", user)).Exit);
    }

    [Fact]
    public async Task An_existing_directory_the_user_cannot_write_is_named_with_the_fix()
    {
        var root = $"/srv/mlnetbatch-test-{Guid.NewGuid():N}";
        using var prefix = new ServicePrefix(Settings(Jobs(("open", $"{root}/open", null), ("closed", $"{root}/closed", null))));
        Directory.CreateDirectory($"{root}/open");
        Directory.CreateDirectory($"{root}/closed");
        await Run("chown", "nobody", $"{root}/open");
        try
        {
            var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--user", "nobody");

            Assert.True(exit == 0, output);
            var warnings = output.Split('\n').Where(l => l.StartsWith("Warning: /srv/", StringComparison.Ordinal)).ToList();
            Assert.Equal(
                [$"Warning: {root}/closed is not writable by nobody, the service's user, so the jobs writing there would fail; fix: sudo chown -R nobody {root}/closed (or sudo setfacl -m u:nobody:rwx {root}/closed)."],
                warnings);
            // Existing directories are not taken over: only the operator decides that.
            Assert.Equal("root", (await Run("stat", "-c", "%U", $"{root}/closed")).Output.Trim());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task DynamicUser_is_there_behind_its_option_with_its_caveat()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));

        var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--dynamic-user");
        var (both, bothOutput) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--dynamic-user", "--user", "nobody");

        Assert.True(exit == 0, output);
        Assert.Equal(["yes"], prefix.Values("DynamicUser"));
        Assert.Empty(prefix.Values("User"));
        Assert.Contains("DynamicUser=yes (--dynamic-user): the service's user exists only while it runs", output);
        Assert.DoesNotContain("useradd", output);
        Assert.Equal("root", (await Run("stat", "-c", "%U", Path.Combine(prefix.Prefix, "out", "only"))).Output.Trim());
        Assert.Equal(WorkerCommandLine.Usage, both);
        Assert.Equal("Choose one of --user and --dynamic-user.", bothOutput.TrimEnd());
    }

    [Fact]
    public async Task Uninstall_removes_the_unit_install_wrote_and_keeps_the_output()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));
        var before = Directory.GetFileSystemEntries(prefix.Units);
        await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units);
        Assert.True(File.Exists(prefix.UnitFile));

        var (exit, output) = await Invoke("service", "uninstall", "--systemd", "--unit-dir", prefix.Units);

        Assert.True(exit == 0, output);
        Assert.Equal(before, Directory.GetFileSystemEntries(prefix.Units));
        Assert.True(Directory.Exists(Path.Combine(prefix.Prefix, "out", "only")));
        Assert.Contains("systemctl daemon-reload", output);
    }

    [Fact]
    public async Task Uninstall_of_an_enabled_unit_says_to_disable_it_first()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));
        await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units);
        // What 'systemctl enable' makes for WantedBy=multi-user.target.
        Directory.CreateDirectory(Path.Combine(prefix.Units, "multi-user.target.wants"));
        File.CreateSymbolicLink(Path.Combine(prefix.Units, "multi-user.target.wants", "mlnetbatch.service"), prefix.UnitFile);

        var (exit, output) = await Invoke("service", "uninstall", "--systemd", "--unit-dir", prefix.Units);

        Assert.Equal(WorkerCommandLine.Failed, exit);
        Assert.Equal(
            $"The mlnetbatch service is enabled ({Path.Combine(prefix.Units, "multi-user.target.wants", "mlnetbatch.service")}): run 'sudo systemctl disable --now mlnetbatch' first, or pass --disable.",
            output.TrimEnd());
        Assert.True(File.Exists(prefix.UnitFile));
    }

    [Fact]
    public async Task Without_the_right_to_write_the_unit_install_fails_with_one_line()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));
        // Root may write anywhere, so the unit directory is a file: the write fails as it would without rights.
        var notADirectory = prefix.Combine("not-a-directory");
        await File.WriteAllTextAsync(notADirectory, "a file");

        var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", notADirectory);

        Assert.Equal(WorkerCommandLine.Failed, exit);
        var line = Assert.Single(output.TrimEnd().Split('\n'));
        Assert.StartsWith($"Cannot write the unit file {Path.Combine(notADirectory, "mlnetbatch.service")}: ", line);
        Assert.EndsWith("; run the install as root (sudo) or choose --unit-dir.", line);
        Assert.False(Directory.Exists(Path.Combine(prefix.Prefix, "out")));
    }

    [Fact]
    public async Task Install_without_a_published_worker_in_the_prefix_says_to_publish_first()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));
        File.Delete(prefix.Executable);

        var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units);

        Assert.Equal(WorkerCommandLine.Failed, exit);
        Assert.Equal(
            $"No published worker at {prefix.Executable}: publish it first (dotnet publish src/MlNetBatch.Worker -c Release -o {prefix.Prefix}) or name its folder with --prefix.",
            output.TrimEnd());
        Assert.False(File.Exists(prefix.UnitFile));
    }

    [Fact]
    public async Task With_enable_the_systemctl_commands_run_and_their_failure_is_one_line()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));

        // The unit directory is not one systemd reads (and this machine may not run systemd): systemctl must fail.
        var (exit, output) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--enable");

        Assert.Equal(WorkerCommandLine.Failed, exit);
        var lines = output.TrimEnd().Split('\n');
        Assert.Contains("  systemctl daemon-reload", lines);
        Assert.Matches(@"^'systemctl (daemon-reload|enable --now mlnetbatch)' failed with exit code \d+", lines[^1]);
        Assert.True(File.Exists(prefix.UnitFile));
    }

    [Fact]
    public async Task A_malformed_configuration_file_a_value_that_does_not_bind_or_a_bad_user_name_is_one_line()
    {
        using var prefix = new ServicePrefix(Settings(Jobs(("only", "out/only", null))));
        var broken = prefix.Combine("broken.json");
        await File.WriteAllTextAsync(broken, "{ \"MlNetBatch\": ");

        var (badFile, fileOutput) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--config", broken);
        var badValue = prefix.Combine("bad-value.json");
        await File.WriteAllTextAsync(badValue, """{ "MlNetBatch": { "Jobs": { "j": { "Execution": { "ShutdownGracePeriod": "soon" } } } } }""");
        var (badBinding, bindingOutput) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--config", badValue);
        var (badUser, userOutput) = await Invoke("service", "install", "--systemd", "--prefix", prefix.Prefix, "--unit-dir", prefix.Units, "--user", "no body");

        Assert.Equal(WorkerCommandLine.Failed, badFile);
        Assert.StartsWith("The configuration could not be read: ", Assert.Single(fileOutput.TrimEnd().Split('\n')));
        Assert.Equal(WorkerCommandLine.Failed, badBinding);
        var bindingLine = Assert.Single(bindingOutput.TrimEnd().Split('\n'));
        Assert.Equal("The configuration is invalid: MlNetBatch:Jobs:j:Execution:ShutdownGracePeriod: 'soon' is not a time span such as 00:00:30.", bindingLine);
        Assert.Equal(WorkerCommandLine.Usage, badUser);
        Assert.Equal("--user 'no body' is not a valid user name (letters, digits, '_', '-' and '.', not starting with a digit or '-').", userOutput.TrimEnd());
        Assert.False(File.Exists(prefix.UnitFile));
    }

    /// <summary>Settings as a published appsettings.json has them: a console and a daily log file under logs/.</summary>
    internal static JsonObject Settings(JsonObject jobs) => new()
    {
        ["Serilog"] = JsonNode.Parse("""
            { "WriteTo": [ { "Name": "Console" }, { "Name": "File", "Args": { "path": "logs/mlnetbatch-.log", "rollingInterval": "Day" } } ] }
            """),
        ["MlNetBatch"] = new JsonObject { ["Jobs"] = jobs },
    };

    internal static JsonObject Jobs(params (string Name, string Sink, string? Grace)[] jobs)
    {
        var result = new JsonObject();
        foreach (var (name, sink, grace) in jobs)
        {
            var job = new JsonObject
            {
                ["Source"] = new JsonObject { ["Path"] = "s3://inputs/*.parquet" },
                ["Model"] = new JsonObject { ["ModelPath"] = "models/model.onnx" },
                ["Sink"] = new JsonObject { ["Path"] = sink },
            };
            if (grace is not null)
            {
                job["Execution"] = new JsonObject { ["ShutdownGracePeriod"] = grace };
            }

            result[name] = job;
        }

        return result;
    }

    /// <summary>An account name no machine has: the tests that create it remove it.</summary>
    private static string TestUserName() => $"mlnbt{Guid.NewGuid():N}"[..20];

    /// <summary>The words of a ReadWritePaths= value, quotes removed.</summary>
    private static List<string> SplitPaths(string value) =>
        System.Text.RegularExpressions.Regex.Matches(value, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToList();

    private static async Task<(int Exit, string Output)> Invoke(params string[] args)
    {
        var output = new StringWriter();
        var exit = await WorkerCommandLine.Create(configure: null, output).Parse(args).InvokeAsync();
        return (exit, output.ToString());
    }

    private static async Task<(int Exit, string Output)> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + stderr);
    }
}
