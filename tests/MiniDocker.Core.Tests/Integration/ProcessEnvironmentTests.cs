using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>Nothing of the .NET host leaks into the container: environment, signals, user.</summary>
public sealed class ProcessEnvironmentTests(TestEnvironment env)
{
    [Fact]
    public async Task Environment_is_exactly_the_containers()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).WithHostname("envbox").WithEnvironment("MODE", "demo").ShellAsync("env | sort");
        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')[0]).ToList();
        // PWD and SHLVL are set by the shell itself.
        Assert.Equal(["HOME", "HOSTNAME", "MODE", "PATH", "PWD", "SHLVL"], names);
        Assert.Contains("MODE=demo", output);
        Assert.Contains("HOSTNAME=envbox", output);
    }

    [Fact]
    public async Task No_signal_is_ignored_or_blocked_inside_the_container()
    {
        await using var test = env.CreateEngine();
        // grep itself, not a shell: a non-interactive shell ignores SIGQUIT for its children by design.
        var (_, output, _) = await test.Busybox(env.Rootfs).WithCommand("/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status").RunAsync();
        Assert.Contains("SigBlk:\t0000000000000000", output);
        Assert.Contains("SigIgn:\t0000000000000000", output);
    }

    [Fact]
    public async Task Sigpipe_ends_a_writer_whose_reader_is_gone()
    {
        await using var test = env.CreateEngine();
        // .NET ignores SIGPIPE; if that leaked, yes would loop on EPIPE errors instead of dying.
        var output = await test.Busybox(env.Rootfs).ShellAsync("yes | head -n 2; echo done");
        Assert.Equal("y\ny\ndone\n", output);
    }

    [Fact]
    public async Task User_and_groups_are_applied()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).WithUser(1000, 1000, 5, 65534).ShellAsync("id -u; id -g; id -G");
        Assert.Equal("1000\n1000\n1000 5 65534\n", output);
    }

    [Fact]
    public async Task Working_directory_is_created_when_missing()
    {
        await using var test = env.CreateEngine();
        using var rootfs = env.CreateRootfs();
        var output = await test.Busybox(rootfs.Path).WithWorkingDirectory("/srv/app").ShellAsync("pwd");
        Assert.Equal("/srv/app\n", output);
    }

    [Fact]
    public async Task Resource_limits_come_from_the_specification()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).WithRlimit("RLIMIT_NOFILE", 256, 512).ShellAsync("ulimit -n; ulimit -Hn");
        Assert.Equal("256\n512\n", output);
        var defaults = await test.Busybox(env.Rootfs).ShellAsync("ulimit -n");
        Assert.Equal("1024\n", defaults);
    }

    [Fact]
    public async Task Umask_is_dockers_default()
    {
        await using var test = env.CreateEngine();
        Assert.Equal("0022\n", await test.Busybox(env.Rootfs).ShellAsync("umask"));
    }
}
