using System.Diagnostics.Metrics;
using MiniDocker.Containers.Events;
using MiniDocker.Logging;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>Container events as docker events shows them, and the start-latency and running-containers instruments.</summary>
public sealed class EventTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_containers_life_is_reported_as_events_in_order_with_the_exit_code()
    {
        await using var test = env.CreateEngine();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var seen = new List<ContainerEvent>();
        var destroyed = new TaskCompletionSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in test.Engine.EventsAsync(stop.Token))
            {
                seen.Add(e);
                if (e.Type == ContainerEventType.Destroyed) destroyed.TrySetResult();
            }
        }, Cancel);
        await Task.Delay(50, Cancel);

        var container = await test.Busybox(env.Rootfs).WithName("evented").WithCommand("sleep", "30").StartAsync(Cancel);
        await container.PauseAsync(Cancel);
        await container.ResumeAsync(Cancel);
        await container.StopAsync(TimeSpan.FromMilliseconds(200), Cancel); // sleep as PID 1 ignores SIGTERM: SIGKILL follows
        await container.DisposeAsync();
        await destroyed.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        await stop.CancelAsync();
        await reader;

        Assert.Equal([ContainerEventType.Created, ContainerEventType.Started, ContainerEventType.Paused, ContainerEventType.Resumed, ContainerEventType.Died, ContainerEventType.Destroyed],
            seen.Select(e => e.Type));
        Assert.All(seen, e => Assert.Equal((container.Id, "evented"), (e.ContainerId, e.ContainerName)));
        Assert.Equal(137, seen.Single(e => e.Type == ContainerEventType.Died).ExitCode);
    }

    [Fact]
    public async Task Start_latency_and_running_containers_are_measured()
    {
        var durations = new List<double>();
        var running = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MiniDockerTelemetry.Name) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "minidocker.container.start.duration") lock (durations) durations.Add(value);
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == "minidocker.containers.running") Interlocked.Add(ref running, value);
        });
        listener.Start();
        await using var test = env.CreateEngine();

        await using (var container = await test.Busybox(env.Rootfs).WithCommand("sleep", "30").StartAsync(Cancel))
        {
            Assert.True(Volatile.Read(ref running) >= 1);
        }

        lock (durations) Assert.Contains(durations, d => d > 0 && d < 60_000);
    }
}
