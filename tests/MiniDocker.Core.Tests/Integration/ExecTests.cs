using MiniDocker.Containers;
using MiniDocker.Execution;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

public sealed class ExecTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exec_runs_in_the_containers_namespaces()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithHostname("execbox").WithCommand("/bin/sleep", "100").StartAsync(Cancel);

        var result = await container.ExecAsync(["/bin/sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; echo pid=$$; cat /etc/busybox-rootfs; echo err >&2; exit 3"], cancellationToken: Cancel);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("execbox\n", result.Stdout);
        Assert.Contains("/bin/sleep 100", result.Stdout);
        Assert.DoesNotContain("pid=1\n", result.Stdout);
        Assert.Contains("this is the container's /etc", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        Assert.Equal(ContainerStatus.Running, container.Status);
    }

    [Fact]
    public async Task Exec_takes_its_own_user_environment_and_working_directory()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithEnvironment("A", "container").WithCommand("/bin/sleep", "100").StartAsync(Cancel);

        var result = await container.ExecAsync(
            ["/bin/sh", "-c", "id -u; echo $A $B; pwd"],
            new ExecOptions { Uid = 1000, Gid = 1000, WorkingDirectory = "/tmp", Environment = new Dictionary<string, string> { ["B"] = "exec" } },
            Cancel);

        Assert.Equal("1000\ncontainer exec\n/tmp\n", result.Stdout);
    }

    [Fact]
    public async Task Exec_of_a_missing_command_says_so()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        var e = await Assert.ThrowsAsync<ContainerCommandNotFoundException>(() => container.ExecAsync(["/bin/nope"], cancellationToken: Cancel));
        Assert.StartsWith("/bin/nope not found in the container", e.Message);
        Assert.Equal(ContainerStatus.Running, container.Status);
    }

    [Fact]
    public async Task Exec_into_an_exited_container_is_refused()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("/bin/true").StartAsync(Cancel);
        await container.WaitAsync(Cancel);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => container.ExecAsync(["/bin/true"], cancellationToken: Cancel));
        Assert.Contains("is not running", e.Message);
    }

    [Fact]
    public async Task An_execd_process_counts_in_the_containers_cgroup_and_its_stage0_does_not_stay_there()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("sleep", "30").StartAsync(Cancel);
        var before = (await container.GetStatsAsync(Cancel)).PidsCurrent;

        await using var exec = await container.StartExecAsync(["sleep", "30"], cancellationToken: Cancel);
        // stage-0 joins the cgroup, clones the exec'd process into it, and leaves; only the process stays.
        await Eventually.TrueAsync(() => container.GetStatsAsync(Cancel).GetAwaiter().GetResult().PidsCurrent == before + 1);
        var during = (await container.GetStatsAsync(Cancel)).PidsCurrent;

        Assert.Equal((1UL, 2UL), (before, during));
    }

    [Fact]
    public async Task A_started_exec_streams_its_output_as_written_and_reads_its_stdin()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("sleep", "30").StartAsync(Cancel);

        await using var exec = await container.StartExecAsync(["/bin/sh", "-c", "echo first; read line; echo got $line; echo err >&2; exit 4"], new ExecOptions { Stdin = true }, Cancel);
        using var stdout = new StreamReader(exec.Stdout);
        var first = await stdout.ReadLineAsync(Cancel);
        await exec.Stdin!.WriteAsync("hello\n"u8.ToArray(), Cancel);
        await exec.Stdin.FlushAsync(Cancel);
        var second = await stdout.ReadLineAsync(Cancel);
        var code = await exec.WaitAsync(Cancel);
        var stderr = await new StreamReader(exec.Stderr).ReadToEndAsync(Cancel);

        Assert.Equal(("first", "got hello", 4, "err\n"), (first, second, code, stderr));
    }

    [Fact]
    public async Task An_exec_with_a_terminal_sees_a_tty()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("sleep", "30").StartAsync(Cancel);

        var plain = await container.ExecAsync(["/bin/sh", "-c", "test -t 1 && echo tty || echo no tty"], cancellationToken: Cancel);
        await using var withTty = await container.StartExecAsync(["/bin/sh", "-c", "test -t 1 && echo tty || echo no tty; tty"], new ExecOptions { Tty = true }, Cancel);
        var shown = await new StreamReader(withTty.Stdout).ReadToEndAsync(Cancel);

        Assert.Equal("no tty\n", plain.Stdout);
        Assert.StartsWith("tty\r\n/dev/pts/", shown);
        Assert.Equal(0, await withTty.WaitAsync(Cancel));
    }

    [Fact]
    public async Task Resizing_a_terminal_reaches_the_program_in_an_exec_and_in_the_container()
    {
        // A new terminal is 0x0 (busybox's stty size then prints nothing, or fails); each program waits until it has a size, then prints it.
        const string script = "until s=$(stty size 2>/dev/null) && [ -n \"$s\" ] && [ \"$s\" != \"0 0\" ]; do sleep 0.05; done; echo \"$s\"";
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithTty().WithCommand("/bin/sh", "-c", script + "; sleep 30").StartAsync(Cancel);
        await using var exec = await container.StartExecAsync(["/bin/sh", "-c", script], new ExecOptions { Tty = true }, Cancel);
        await using var plain = await container.StartExecAsync(["true"], cancellationToken: Cancel);

        exec.ResizeTerminal(132, 40);
        container.ResizeTerminal(100, 30);
        var shown = await new StreamReader(exec.Stdout).ReadToEndAsync(Cancel);
        await Eventually.OutputContainsAsync(container, "30 100");

        Assert.Equal("40 132\r\n", shown);
        Assert.Throws<InvalidOperationException>(() => plain.ResizeTerminal(80, 24));
        Assert.Throws<ArgumentOutOfRangeException>(() => container.ResizeTerminal(0, 24));
    }

    [Fact]
    public async Task Attaching_to_a_terminal_shows_a_prompt_before_its_newline_and_typing_reaches_the_program()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithTty()
            .WithCommand("/bin/sh", "-c", "printf 'name? '; read name; echo \"hello $name\"").StartAsync(Cancel);
        var seen = new System.Text.StringBuilder();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));

        bool typed = false;
        await foreach (var chunk in container.AttachTerminalAsync(timeout.Token))
        {
            seen.Append(System.Text.Encoding.UTF8.GetString(chunk.Span));
            if (!typed && seen.ToString().Contains("name? ", StringComparison.Ordinal))
            {
                typed = true;
                await container.Stdin!.WriteAsync("ada\n"u8.ToArray(), Cancel);
                await container.Stdin.FlushAsync(Cancel);
            }
        }

        Assert.True(typed, $"the prompt never showed: {seen}");
        Assert.Contains("hello ada", seen.ToString());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var plain = await test.Busybox(env.Rootfs).WithCommand("true").StartAsync(Cancel);
            await foreach (var _ in plain.AttachTerminalAsync(Cancel)) { }
        });
        Assert.Contains("has no terminal", e.Message);
    }
}
