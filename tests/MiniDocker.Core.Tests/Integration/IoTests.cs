using System.Text;
using MiniDocker.Containers;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

public sealed class IoTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stdout_and_stderr_are_captured_separately()
    {
        await using var test = env.CreateEngine();
        var (exit, stdout, stderr) = await test.Busybox(env.Rootfs).WithCommand("/bin/sh", "-c", "echo out; echo err >&2").RunAsync();
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("out\n", stdout);
        Assert.Equal("err\n", stderr);
    }

    [Fact]
    public async Task Log_stream_follows_output_while_the_container_runs()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs)
            .WithCommand("/bin/sh", "-c", "echo first; sleep 0.3; echo second")
            .StartAsync(Cancel);
        using var reader = new StreamReader(container.OpenLog(ContainerOutput.Stdout));
        Assert.Equal("first", await reader.ReadLineAsync(Cancel));
        Assert.Equal(ContainerStatus.Running, container.Status);
        Assert.Equal("second", await reader.ReadLineAsync(Cancel));
        Assert.Null(await reader.ReadLineAsync(Cancel));
        Assert.Equal(ContainerStatus.Exited, container.Status);
    }

    [Fact]
    public async Task Stdin_is_a_pipe_when_asked()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithStdin().WithCommand("/bin/sh", "-c", "tr a-z A-Z").StartAsync(Cancel);
        await container.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("hello\n"), Cancel);
        await container.Stdin.DisposeAsync();
        var exit = await container.WaitAsync(Cancel);
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("HELLO\n", (await container.GetLogsAsync(Cancel)).Stdout);
    }

    [Fact]
    public async Task Stdin_is_dev_null_by_default()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).ShellAsync("cat; readlink /proc/self/fd/0");
        Assert.Equal("/dev/null\n", output);
    }

    [Fact]
    public async Task Tty_gives_a_terminal_from_the_containers_own_devpts()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithTty()
            .WithCommand("/bin/sh", "-c", "tty; test -t 0 && test -t 1 && echo is-a-tty; test -c /dev/console && echo console; read line; echo got:$line")
            .StartAsync(Cancel);
        Assert.NotNull(container.Stdin);
        await container.Stdin.WriteAsync(Encoding.UTF8.GetBytes("typed\n"), Cancel);
        await container.Stdin.FlushAsync(Cancel);
        var exit = await container.WaitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        Assert.Equal(0, exit.ExitCode);
        await Eventually.OutputContainsAsync(container, "got:typed");
        var stdout = (await container.GetLogsAsync(Cancel)).Stdout;
        Assert.Contains("/dev/pts/0", stdout);
        Assert.Contains("is-a-tty", stdout);
        Assert.Contains("console", stdout);
    }

    [Fact]
    public async Task Bind_mounts_are_writable_or_read_only_as_asked()
    {
        await using var test = env.CreateEngine();
        var shared = Path.Combine(env.Scratch, "shared-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(shared);
        await File.WriteAllTextAsync(Path.Combine(shared, "in"), "from-host", Cancel);
        try
        {
            var output = await test.Busybox(env.Rootfs)
                .WithBindMount(shared, "/rw")
                .WithBindMount(shared, "/ro", readOnly: true)
                .ShellAsync("cat /rw/in; echo from-container > /rw/out; echo x > /ro/x 2>/dev/null || echo ro-refused");
            Assert.Contains("from-host", output);
            Assert.Contains("ro-refused", output);
            Assert.Equal("from-container\n", await File.ReadAllTextAsync(Path.Combine(shared, "out"), Cancel));
            Assert.False(File.Exists(Path.Combine(shared, "x")));
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    [Fact]
    public async Task Read_only_rootfs_refuses_writes_but_tmpfs_takes_them()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).WithReadOnlyRootfs().WithTmpfs("/scratch", 1024 * 1024)
            .ShellAsync("touch /root/x 2>/dev/null || echo root-ro; echo ok > /scratch/f && cat /scratch/f; grep ' /scratch ' /proc/self/mounts");
        Assert.Contains("root-ro", output);
        Assert.Contains("ok\n", output);
        Assert.Contains("size=1024k", output);
    }
}
