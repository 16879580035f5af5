using System.Diagnostics;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>The minidocker command line, driven as a user would type it, each command its own process.</summary>
public sealed class CliTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private async Task<Result> MinidockerAsync(string root, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "minidocker.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["MINIDOCKER_ROOT"] = root;
        start.Environment["MINIDOCKER_CGROUP_PARENT"] = env.CgroupParent;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Cancel);
        var stderr = process.StandardError.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Run_detached_ps_logs_follow_exec_stop_rm_images_and_rmi_work_as_with_docker()
    {
        Require.Root();
        var root = Path.Combine(env.Scratch, "cli-" + Guid.NewGuid().ToString("N")[..8]);
        var archive = Path.Combine(env.Scratch, "cli-image-" + Guid.NewGuid().ToString("N")[..8]);
        TestImages.Busybox(env.Rootfs).Write(archive, "localhost/layered:1");
        try
        {
            var load = await MinidockerAsync(root, "load", "-i", archive);
            var run = await MinidockerAsync(root, "run", "-d", "--name", "web", "-e", "WHO=cli", "localhost/layered:1",
                "/bin/sh", "-c", "echo hello from $WHO; echo oops >&2; sleep 1; echo done; sleep 30");
            var ps = await MinidockerAsync(root, "ps");
            var follow = MinidockerAsync(root, "logs", "-f", "web");
            var exec = await MinidockerAsync(root, "exec", "web", "cat", "/etc/motd");
            var stats = await MinidockerAsync(root, "stats", "--no-stream", "web");
            await Task.Delay(1500, Cancel);
            var stop = await MinidockerAsync(root, "stop", "-t", "1", "web");
            var followed = await follow;
            var tail = await MinidockerAsync(root, "logs", "--tail", "1", "web");
            var psAll = await MinidockerAsync(root, "ps", "-a");
            var rm = await MinidockerAsync(root, "rm", "web");
            var images = await MinidockerAsync(root, "images");
            var rmi = await MinidockerAsync(root, "rmi", "localhost/layered:1");
            var imagesAfter = await MinidockerAsync(root, "images", "-q");

            Assert.Equal((0, "Loaded image: localhost/layered:1\n"), (load.ExitCode, load.Stdout));
            Assert.Equal(0, run.ExitCode);
            Assert.Matches("^[0-9a-f]{64}\n$", run.Stdout);
            Assert.Contains("Up ", ps.Stdout);
            Assert.Contains(" web\n", ps.Stdout);
            Assert.StartsWith("CONTAINER ID   IMAGE", ps.Stdout);
            Assert.Equal(0, followed.ExitCode);
            Assert.Equal("hello from cli\ndone\n", followed.Stdout);
            Assert.Equal("oops\n", followed.Stderr);
            Assert.Equal((0, "hello from layer 2\n"), (exec.ExitCode, exec.Stdout));
            Assert.Equal(0, stats.ExitCode);
            Assert.Contains("MEM USAGE / LIMIT", stats.Stdout);
            Assert.Contains(" web ", stats.Stdout);
            Assert.Equal((0, "web\n"), (stop.ExitCode, stop.Stdout));
            Assert.Equal("done\n", tail.Stdout);
            Assert.Contains("Exited", psAll.Stdout);
            Assert.Equal((0, "web\n"), (rm.ExitCode, rm.Stdout));
            Assert.Contains("localhost/layered", images.Stdout);
            Assert.Contains("Untagged: localhost/layered:1", rmi.Stdout);
            Assert.Equal("", imagesAfter.Stdout);
        }
        finally
        {
            Directory.Delete(archive, recursive: true);
            await using (var cleaner = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent }))
            {
                foreach (var c in await cleaner.Containers.ListAsync(all: true, CancellationToken.None))
                    await cleaner.Containers.RemoveAsync(c.Id, force: true, CancellationToken.None);
            }
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Create_then_start_in_other_processes_runs_the_container_with_its_name_and_id()
    {
        Require.Root();
        var root = Path.Combine(env.Scratch, "cli-" + Guid.NewGuid().ToString("N")[..8]);
        var layout = Path.Combine(env.Scratch, "cli-image-" + Guid.NewGuid().ToString("N")[..8]);
        TestImages.Busybox(env.Rootfs).Write(layout, "localhost/layered:1");
        try
        {
            await MinidockerAsync(root, "load", "-i", layout);
            var create = await MinidockerAsync(root, "create", "--name", "later", "-e", "WHEN=later", "localhost/layered:1", "/bin/sh", "-c", "echo started $WHEN; sleep 30");
            var psCreated = await MinidockerAsync(root, "ps", "-a");
            var start = await MinidockerAsync(root, "start", "later");
            await Task.Delay(300, Cancel);
            var logs = await MinidockerAsync(root, "logs", "later");
            var ps = await MinidockerAsync(root, "ps");
            var rm = await MinidockerAsync(root, "rm", "-f", "later");

            Assert.Equal(0, create.ExitCode);
            Assert.Contains("Created", psCreated.Stdout);
            Assert.Equal((0, "later\n"), (start.ExitCode, start.Stdout));
            Assert.Equal("started later\n", logs.Stdout);
            Assert.Contains(create.Stdout.Trim()[..12], ps.Stdout);
            Assert.Equal(0, rm.ExitCode);
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
            await using (var cleaner = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent }))
            {
                foreach (var c in await cleaner.Containers.ListAsync(all: true, CancellationToken.None))
                    await cleaner.Containers.RemoveAsync(c.Id, force: true, CancellationToken.None);
            }
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Containers_run_by_separate_commands_on_a_network_reach_each_other_by_name()
    {
        Require.Root();
        var root = Path.Combine(env.Scratch, "cli-" + Guid.NewGuid().ToString("N")[..8]);
        var layout = Path.Combine(env.Scratch, "cli-image-" + Guid.NewGuid().ToString("N")[..8]);
        var subnet = $"10.{Random.Shared.Next(150, 250)}.{Random.Shared.Next(0, 250)}.0/24";
        TestImages.Busybox(env.Rootfs).Write(layout, "localhost/layered:1");
        try
        {
            await MinidockerAsync(root, "load", "-i", layout);
            var create = await MinidockerAsync(root, "network", "create", "--subnet", subnet, "appnet");
            var a = await MinidockerAsync(root, "run", "-d", "--name", "alpha", "--network", "appnet", "localhost/layered:1", "sleep", "60");
            var b = await MinidockerAsync(root, "run", "-d", "--name", "beta", "--network", "appnet", "localhost/layered:1", "sleep", "60");
            var ping = await MinidockerAsync(root, "exec", "alpha", "ping", "-c", "1", "-W", "2", "beta");
            var hosts = await MinidockerAsync(root, "exec", "beta", "cat", "/etc/hosts");
            var ls = await MinidockerAsync(root, "network", "ls");
            var busy = await MinidockerAsync(root, "network", "rm", "appnet");
            await MinidockerAsync(root, "rm", "-f", "alpha", "beta");
            var hostsAfter = File.Exists(Path.Combine(root, "networks", "appnet.members")) ? Directory.GetFiles(Path.Combine(root, "networks", "appnet.members")) : [];
            var rm = await MinidockerAsync(root, "network", "rm", "appnet");
            var lsAfter = await MinidockerAsync(root, "network", "ls");

            Assert.Equal((0, "appnet\n"), (create.ExitCode, create.Stdout));
            Assert.Equal((0, 0), (a.ExitCode, b.ExitCode));
            Assert.True(ping.ExitCode == 0, $"alpha could not reach beta by name: {ping.Stdout}{ping.Stderr}");
            Assert.Contains("alpha", hosts.Stdout);
            Assert.Contains(subnet[..^4], ls.Stdout);
            Assert.Equal(1, busy.ExitCode);
            Assert.Contains("in use", busy.Stderr);
            Assert.Empty(hostsAfter);
            Assert.Equal((0, "appnet\n"), (rm.ExitCode, rm.Stdout));
            Assert.DoesNotContain("appnet", lsAfter.Stdout);
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
            await using (var cleaner = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent }))
            {
                foreach (var c in await cleaner.Containers.ListAsync(all: true, CancellationToken.None))
                    await cleaner.Containers.RemoveAsync(c.Id, force: true, CancellationToken.None);
                if (cleaner.Networks.Find("appnet") is not null) await cleaner.Networks.RemoveAsync("appnet", CancellationToken.None);
            }
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(125, "run --bogus localhost/x", "minidocker: unknown flag: --bogus (see 'minidocker run --help')\n")]
    [InlineData(1, "stop nothing-here", "Error response from daemon: No such container: nothing-here\n")]
    [InlineData(1, "logs nothing-here", "Error response from daemon: No such container: nothing-here\n")]
    [InlineData(125, "frobnicate", "minidocker: 'frobnicate' is not a minidocker command. (see 'minidocker --help')\n")]
    [InlineData(1, "start nothing-here", "Error response from daemon: No such container: nothing-here\n")]
    public async Task A_wrong_flag_or_an_unknown_container_gets_dockers_exit_code_and_one_line(int exitCode, string command, string stderr)
    {
        Require.Root();
        var root = Path.Combine(env.Scratch, "cli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var result = await MinidockerAsync(root, command.Split(' '));

            Assert.Equal((exitCode, stderr), (result.ExitCode, result.Stderr));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_command_that_is_not_in_the_image_exits_127_as_with_docker()
    {
        Require.Root();
        var root = Path.Combine(env.Scratch, "cli-" + Guid.NewGuid().ToString("N")[..8]);
        var layout = Path.Combine(env.Scratch, "cli-image-" + Guid.NewGuid().ToString("N")[..8]);
        TestImages.Busybox(env.Rootfs).Write(layout, "localhost/layered:1");
        try
        {
            await MinidockerAsync(root, "load", "-i", layout);
            var result = await MinidockerAsync(root, "run", "--rm", "localhost/layered:1", "/bin/nope");
            var ok = await MinidockerAsync(root, "run", "--rm", "localhost/layered:1", "/bin/sh", "-c", "exit 7");
            var tty = await MinidockerAsync(root, "run", "--rm", "-t", "localhost/layered:1", "/bin/sh", "-c", "printf 'no newline'; test -t 1 && printf ' on a tty'");

            Assert.True(result.ExitCode == 127, $"exit {result.ExitCode}: {result.Stderr}");
            Assert.Contains("/bin/nope not found", result.Stderr);
            Assert.Equal(7, ok.ExitCode);
            Assert.Equal((0, "no newline on a tty"), (tty.ExitCode, tty.Stdout));
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
