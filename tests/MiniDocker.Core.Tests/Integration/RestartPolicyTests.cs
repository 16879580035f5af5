using MiniDocker.Containers;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>Restart policies as docker run --restart has them, while the engine lives.</summary>
public sealed class RestartPolicyTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task On_failure_with_a_limit_restarts_that_many_times_then_reports_the_last_exit()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithRestartPolicy(RestartPolicy.Parse("on-failure:3"))
            .WithCommand("/bin/sh", "-c", "echo run; exit 4").StartAsync(Cancel);

        var exit = await container.WaitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var logs = await container.GetLogsAsync(Cancel);

        Assert.Equal(4, exit.ExitCode);
        Assert.Equal(3, container.RestartCount);
        Assert.Equal("run\nrun\nrun\nrun\n", logs.Stdout);
    }

    [Fact]
    public async Task A_restarted_container_reads_on_from_the_same_stdin()
    {
        await using var test = env.CreateEngine();
        // Each run reads one line and fails, so on-failure starts the next run on the same pipe.
        await using var container = await test.Busybox(env.Rootfs).WithStdin().WithRestartPolicy(RestartPolicy.Parse("on-failure:2"))
            .WithCommand("/bin/sh", "-c", "read line; echo got $line; exit 1").StartAsync(Cancel);

        await container.Stdin!.WriteAsync("one\ntwo\nthree\n"u8.ToArray(), Cancel);
        await container.Stdin.FlushAsync(Cancel);
        var exit = await container.WaitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var logs = await container.GetLogsAsync(Cancel);

        Assert.Equal((1, 2), (exit.ExitCode, container.RestartCount));
        Assert.Equal("got one\ngot two\ngot three\n", logs.Stdout);
    }

    [Fact]
    public async Task A_restarted_container_with_a_terminal_gets_a_new_one_behind_the_same_stdin()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithTty().WithRestartPolicy(RestartPolicy.Parse("on-failure:1"))
            .WithCommand("/bin/sh", "-c", "test -t 0 && echo tty-$(cat /proc/self/stat | cut -d' ' -f1); read line; echo got $line; exit 2").StartAsync(Cancel);

        for (int run = 1; run <= 2; run++)
        {
            // Typed once this run's program is on its terminal.
            int started = run;
            await Eventually.TrueAsync(() => container.GetLogsAsync(Cancel).GetAwaiter().GetResult().Stdout.Split("tty-").Length > started);
            await container.Stdin!.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"line{run}\n"), Cancel);
            await container.Stdin.FlushAsync(Cancel);
        }
        var exit = await container.WaitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var logs = (await container.GetLogsAsync(Cancel)).Stdout;

        Assert.Equal((2, 1), (exit.ExitCode, container.RestartCount));
        Assert.Contains("got line1", logs);
        Assert.Contains("got line2", logs);
    }

    [Fact]
    public async Task On_failure_does_not_restart_a_clean_exit()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithRestartPolicy(RestartPolicy.OnFailure())
            .WithCommand("/bin/sh", "-c", "echo once").StartAsync(Cancel);

        var exit = await container.WaitAsync(Cancel);

        Assert.Equal((0, 0), (exit.ExitCode, container.RestartCount));
    }

    [Fact]
    public async Task Always_restarts_with_the_same_id_and_filesystem_until_stopped()
    {
        await using var test = env.CreateEngine();
        var layout = TestImages.Busybox(env.Rootfs).WriteLayout(env.Scratch);
        var image = Assert.Single(await test.Engine.Images.ImportAsync(layout, "localhost/restarts:1", Cancel));
        Directory.Delete(layout, recursive: true);
        await using var container = await test.Engine.CreateContainer().WithImage(image).WithRestartPolicy(RestartPolicy.Always)
            .WithCommand("/bin/sh", "-c", "echo x >> /runs; echo runs $(wc -l < /runs); sleep 0.2").StartAsync(Cancel);
        var firstPid = container.Pid;

        await Eventually.TrueAsync(() => container.RestartCount >= 2);
        var exit = await container.StopAsync(TimeSpan.FromSeconds(2), Cancel);
        var restarts = container.RestartCount;
        await Task.Delay(500, Cancel);
        var logs = await container.GetLogsAsync(Cancel);

        Assert.NotEqual(firstPid, container.Pid);
        Assert.Equal(ContainerStatus.Exited, container.Status);
        Assert.Equal(restarts, container.RestartCount); // nothing after the stop
        Assert.Contains("runs 1\n", logs.Stdout);
        Assert.Contains("runs 3\n", logs.Stdout); // the upper layer survived the restarts
        Assert.NotNull(exit);
    }

    [Fact]
    public async Task A_restarted_container_on_a_network_gets_its_veth_and_address_again()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("restartnet", $"10.{Random.Shared.Next(150, 250)}.{Random.Shared.Next(0, 250)}.0/24", Cancel);
        await using var container = await test.Busybox(env.Rootfs).WithNetwork(network).WithRestartPolicy(RestartPolicy.OnFailure(1))
            .WithCommand("/bin/sh", "-c", "ip -4 -o addr show eth0 | grep -o 'inet [0-9.]*'; exit 1").StartAsync(Cancel);

        await container.WaitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var lines = (await container.GetLogsAsync(Cancel)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, lines.Length);
        Assert.Equal($"inet {container.Networks[0].Address}", lines[0]);
        Assert.Equal(lines[0], lines[1]);
    }

    [Fact]
    public async Task Restarting_by_hand_stops_the_run_and_starts_it_again_keeping_the_filesystem()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);
        // No restart policy: the restart is asked for, not the policy's. The shell ignores SIGTERM,
        // so the grace period runs out and SIGKILL ends the first run.
        await using var container = await test.Engine.CreateContainer().WithImage(image)
            .WithCommand("/bin/sh", "-c", "trap '' TERM; echo x >> /runs; echo runs $(wc -l < /runs); while true; do sleep 0.1; done").StartAsync(Cancel);
        await Eventually.OutputContainsAsync(container, "runs 1");
        var firstPid = container.Pid;

        await container.RestartAsync(TimeSpan.FromMilliseconds(300), Cancel);
        await Eventually.OutputContainsAsync(container, "runs 2");

        Assert.Equal(ContainerStatus.Running, container.Status);
        Assert.NotEqual(firstPid, container.Pid);
        Assert.Equal(0, container.RestartCount); // the policy's count, as docker inspect's RestartCount
        Assert.Equal("running", (await test.Engine.Containers.InspectAsync(container.Id, Cancel)).Status.ToString().ToLowerInvariant());
        await container.StopAsync(TimeSpan.FromMilliseconds(300), Cancel);
        await Assert.ThrowsAsync<InvalidOperationException>(() => container.RestartAsync(cancellationToken: Cancel));
    }

    [Fact]
    public async Task An_exited_created_container_starts_again_with_its_filesystem_name_and_log()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);
        var name = "again-" + Guid.NewGuid().ToString("N")[..6];
        var created = await test.Engine.CreateAsync(test.Engine.CreateContainer().WithImage(image).WithName(name)
            .WithCommand("/bin/sh", "-c", "echo x >> /runs; echo runs $(wc -l < /runs)").Build(), Cancel);

        var first = await test.Engine.Containers.StartAsync(name, Cancel);
        Assert.Equal(0, (await first.WaitAsync(Cancel)).ExitCode);
        var second = await test.Engine.Containers.StartAsync(name, Cancel);
        Assert.Equal(0, (await second.WaitAsync(Cancel)).ExitCode);
        var info = await test.Engine.Containers.InspectAsync(name, Cancel);
        var logs = await test.Engine.Containers.GetLogsAsync(name, cancellationToken: Cancel);

        Assert.Equal(created.Id, second.Id);
        Assert.NotSame(first, second);
        Assert.Equal(["runs 1", "runs 2"], logs.Select(l => l.Text.TrimEnd('\n')));
        Assert.Equal((ContainerStatus.Exited, 0, created.Created), (info.Status, info.ExitCode, info.Created));
        await test.Engine.Containers.RemoveAsync(name, cancellationToken: Cancel);
        Assert.Empty(await test.Engine.Containers.ListAsync(all: true, Cancel));

        // A container run without being created first keeps no definition to start again from.
        await using var ran = await test.Engine.CreateContainer().WithImage(image).WithCommand("true").StartAsync(Cancel);
        await ran.WaitAsync(Cancel);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => test.Engine.Containers.StartAsync(ran.Id, Cancel));
        Assert.Contains("run a new one", refused.Message);
    }

    [Fact]
    public void A_policy_is_read_in_dockers_syntax_and_bad_ones_are_refused()
    {
        Assert.Equal(RestartPolicy.OnFailure(5), RestartPolicy.Parse("on-failure:5"));
        Assert.Equal("unless-stopped", RestartPolicy.Parse("unless-stopped").ToString());
        var e = Assert.Throws<ContainerConfigurationException>(() => RestartPolicy.Parse("sometimes"));
        Assert.Contains("is not a restart policy", e.Message);
    }
}
