using MiniDocker.Containers;
using MiniDocker.Namespaces;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

public sealed class ExitAndSignalTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(255)]
    public async Task Exit_code_comes_back_exactly(int code)
    {
        await using var test = env.CreateEngine();
        var (exit, _, _) = await test.Busybox(env.Rootfs).WithCommand("/bin/sh", "-c", $"exit {code}").RunAsync();
        Assert.Equal(code, exit.ExitCode);
        Assert.Null(exit.Signal);
    }

    [Fact]
    public async Task Death_by_signal_comes_back_as_the_signal()
    {
        await using var test = env.CreateEngine();
        // Without a PID namespace the shell is an ordinary process, so its own SIGTERM kills it.
        var (exit, _, _) = await test.Busybox(env.Rootfs)
            .WithNamespaces(NamespaceType.Mount, NamespaceType.Uts, NamespaceType.Ipc)
            .WithCommand("/bin/sh", "-c", "kill -TERM $$; sleep 5")
            .RunAsync();
        Assert.Equal(Signal.SIGTERM, exit.Signal);
        Assert.Equal(143, exit.ExitCode);
    }

    [Fact]
    public async Task Kill_delivers_SIGKILL()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        Assert.Equal(ContainerStatus.Running, container.Status);
        Assert.True(await container.KillAsync(Signal.SIGKILL, Cancel));
        var exit = await container.WaitAsync(Cancel);
        Assert.Equal(Signal.SIGKILL, exit.Signal);
        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(ContainerStatus.Exited, container.Status);
        Assert.False(await container.KillAsync(Signal.SIGKILL, Cancel));
    }

    [Fact]
    public async Task Stop_lets_a_program_that_handles_SIGTERM_exit_by_itself()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs)
            .WithCommand("/bin/sh", "-c", "trap 'echo got-term; exit 7' TERM; echo ready; while true; do sleep 0.05; done")
            .StartAsync(Cancel);
        await Eventually.OutputContainsAsync(container, "ready");
        var exit = await container.StopAsync(TimeSpan.FromSeconds(30), Cancel);
        Assert.Equal(7, exit.ExitCode);
        Assert.Null(exit.Signal);
        Assert.Contains("got-term", (await container.GetLogsAsync(Cancel)).Stdout);
    }

    [Fact]
    public async Task Stop_kills_a_program_that_ignores_SIGTERM_after_the_grace_period()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs)
            .WithCommand("/bin/sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.05; done")
            .StartAsync(Cancel);
        await Eventually.OutputContainsAsync(container, "ready");
        var exit = await container.StopAsync(TimeSpan.FromMilliseconds(300), Cancel);
        Assert.Equal(Signal.SIGKILL, exit.Signal);
    }

    [Theory]
    [InlineData(true, "0")]
    [InlineData(false, "1")]
    public async Task Init_reaps_orphaned_zombies(bool init, string zombies)
    {
        await using var test = env.CreateEngine();
        // The subshell exits at once, orphaning its "sleep 0.1" to PID 1; PID 1 then becomes
        // a sleep that never reaps. Only stage-0's init, sitting above it, reaps the orphan.
        await using var container = await test.Busybox(env.Rootfs).WithInit(init)
            .WithCommand("/bin/sh", "-c", "(sleep 0.1 &); exec sleep 100")
            .StartAsync(Cancel);
        await Task.Delay(500, Cancel);
        var result = await container.ExecAsync(["/bin/sh", "-c", "ps -o stat,comm | grep -c '^Z' || true"], cancellationToken: Cancel);
        Assert.Equal(zombies, result.Stdout.Trim());
    }

    [Fact]
    public async Task Init_forwards_SIGTERM_to_the_program()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithInit().WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        // Wait until stage-0 has forked the program, so the signal has someone to go to.
        await Eventually.TrueAsync(() => File.Exists($"/proc/{container.Pid}/task/{container.Pid}/children")
            && File.ReadAllText($"/proc/{container.Pid}/task/{container.Pid}/children").Trim().Length > 0);
        await container.KillAsync(Signal.SIGTERM, Cancel);
        var exit = await container.WaitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        Assert.Equal(128 + 15, exit.ExitCode);
    }

    [Fact]
    public async Task Init_is_pid_1_and_the_program_is_its_child()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).WithInit().ShellAsync("echo pid=$$; cat /proc/1/comm");
        Assert.Contains("pid=2\n", output);
        Assert.Contains("md-init", output);
    }
}
