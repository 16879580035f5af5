using MiniDocker.Containers;
using MiniDocker.Containers.Waiting;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>Wait strategies: StartAsync returns once the container is ready, and a container that never is gets removed with a clear error.</summary>
public sealed class WaitStrategyTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_returns_once_the_port_listens_the_message_is_logged_the_file_exists_and_the_command_succeeds()
    {
        await using var test = env.CreateEngine();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await using var container = await test.Busybox(env.Rootfs)
            .WithCommand("/bin/sh", "-c", "sleep 0.5; echo 'server ready'; touch /tmp/ready; exec nc -ll -p 8080 -e cat")
            .WithWaitStrategy(Wait.UntilMessageIsLogged("server ready")
                .And(Wait.UntilFileExists("/tmp/ready"))
                .And(Wait.UntilPortIsListening(8080))
                .And(Wait.UntilCommandSucceeds("test", "-f", "/tmp/ready")))
            .StartAsync(Cancel);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), "StartAsync returned before the container was ready");
        Assert.Equal(ContainerStatus.Running, container.Status);
        Assert.True(await Wait.UntilPortIsListening(8080).Conditions[0].IsReadyAsync(container, Cancel));
    }

    [Fact]
    public async Task HTTP_readiness_is_checked_at_the_containers_address()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("waitnet", $"10.{Random.Shared.Next(150, 250)}.{Random.Shared.Next(0, 250)}.0/24", Cancel);

        await using var container = await test.Busybox(env.Rootfs).WithNetwork(network)
            .WithCommand("/bin/sh", "-c", "mkdir -p /www/health && echo ok > /www/health/index.html && exec httpd -f -p 8080 -h /www")
            .WithWaitStrategy(Wait.UntilHttpOk(8080, "/health/").WithTimeout(TimeSpan.FromSeconds(20)))
            .StartAsync(Cancel);

        Assert.Equal(ContainerStatus.Running, container.Status);
    }

    [Fact]
    public async Task A_container_that_never_becomes_ready_is_removed_and_the_error_names_the_condition_and_shows_its_last_lines()
    {
        await using var test = env.CreateEngine();

        var e = await Assert.ThrowsAsync<ContainerNotReadyException>(() => test.Busybox(env.Rootfs)
            .WithName("never-ready")
            .WithCommand("/bin/sh", "-c", "echo starting; echo cannot bind >&2; sleep 30")
            .WithWaitStrategy(Wait.UntilPortIsListening(9999).WithTimeout(TimeSpan.FromMilliseconds(800)))
            .StartAsync(Cancel));

        Assert.Contains("port 9999/tcp listening", e.Message);
        Assert.Contains("within 0.8 s", e.Message);
        Assert.Equal(["starting", "cannot bind"], e.LastLogLines);
        Assert.Empty(test.Engine.Containers);
        Assert.Empty(test.StoreListing());
    }

    [Fact]
    public async Task A_container_that_exits_while_waited_for_fails_at_once()
    {
        await using var test = env.CreateEngine();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ContainerNotReadyException>(() => test.Busybox(env.Rootfs)
            .WithCommand("/bin/sh", "-c", "echo fatal: no config; exit 2")
            .WithWaitStrategy(Wait.UntilMessageIsLogged("listening"))
            .StartAsync(Cancel));

        Assert.Contains("exited (exit code 2)", e.Message);
        Assert.Contains("fatal: no config", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }
}
