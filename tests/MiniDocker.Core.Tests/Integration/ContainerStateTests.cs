using MiniDocker.Containers;
using MiniDocker.Containers.State;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>state.json: what other engines see, lookups by name and prefix, and a corrupt file that harms only its own container.</summary>
public sealed class ContainerStateTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_engine_on_the_root_lists_and_inspects_containers_by_name_and_id_prefix()
    {
        await using var test = env.CreateEngine();
        await using var running = await test.Busybox(env.Rootfs).WithName("web").WithLabel("tier", "front").WithCommand("sleep", "30").StartAsync(Cancel);
        await using var exited = await test.Busybox(env.Rootfs).WithName("job").WithCommand("/bin/sh", "-c", "exit 3").StartAsync(Cancel);
        await exited.WaitAsync(Cancel);
        await using var other = new ContainerEngine(new MiniDockerOptions { RootDirectory = test.Root, CgroupParent = env.CgroupParent });

        var runningOnly = await other.Containers.ListAsync(cancellationToken: Cancel);
        var all = await other.Containers.ListAsync(all: true, Cancel);
        var byName = await other.Containers.InspectAsync("web", Cancel);
        var byPrefix = await other.Containers.InspectAsync(exited.Id[..10], Cancel);
        var missing = await Assert.ThrowsAsync<ContainerNotFoundException>(() => other.Containers.InspectAsync("nope", Cancel));

        Assert.Equal(["web"], runningOnly.Select(c => c.Name));
        Assert.Equal(["job", "web"], all.Select(c => c.Name).Order());
        Assert.Equal((running.Id, ContainerStatus.Running, (int?)running.Pid, "front"), (byName.Id, byName.Status, byName.Pid, byName.Labels["tier"]));
        Assert.Equal(["sleep", "30"], byName.Command);
        Assert.Equal((ContainerStatus.Exited, (int?)3), (byPrefix.Status, byPrefix.ExitCode));
        Assert.Contains("No such container: nope", missing.Message);
    }

    [Fact]
    public async Task A_corrupt_state_file_gets_a_clear_error_for_that_container_only()
    {
        await using var test = env.CreateEngine();
        await using var healthy = await test.Busybox(env.Rootfs).WithName("healthy").WithCommand("sleep", "30").StartAsync(Cancel);
        var broken = await test.Busybox(env.Rootfs).WithName("broken").WithCommand("sleep", "30").StartAsync(Cancel);
        var statePath = Path.Combine(broken.StateDirectory, ContainerStateFile.FileName);
        File.WriteAllText(statePath, File.ReadAllText(statePath)[..20]); // truncated, as by a full disk
        await using var other = new ContainerEngine(new MiniDockerOptions { RootDirectory = test.Root, CgroupParent = env.CgroupParent });

        var list = await other.Containers.ListAsync(cancellationToken: Cancel);
        var e = await Assert.ThrowsAsync<ContainerStateException>(() => other.Containers.InspectAsync(broken.Id, Cancel));
        var stillWorks = await other.Containers.InspectAsync("healthy", Cancel);
        await other.Containers.RemoveAsync(broken.Id, force: true, Cancel);

        Assert.Equal(2, list.Count);
        Assert.Equal(ContainerStatus.Unknown, list.Single(c => c.Id == broken.Id).Status);
        Assert.Contains("is corrupt", list.Single(c => c.Id == broken.Id).Error);
        Assert.Contains(broken.Id[..12], e.Message);
        Assert.Contains("force: true", e.Message);
        Assert.Equal(ContainerStatus.Running, stillWorks.Status);
        Assert.False(Directory.Exists(broken.StateDirectory));
        await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{broken.Pid}") || File.ReadAllText($"/proc/{broken.Pid}/stat").Contains(") Z", StringComparison.Ordinal));
        await broken.DisposeAsync();
    }

    [Fact]
    public async Task A_running_container_is_not_removed_without_force_and_prune_removes_the_exited_ones()
    {
        await using var test = env.CreateEngine();
        await using var running = await test.Busybox(env.Rootfs).WithCommand("sleep", "30").StartAsync(Cancel);
        var done = await test.Busybox(env.Rootfs).WithCommand("true").StartAsync(Cancel);
        await done.WaitAsync(Cancel);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => test.Engine.Containers.RemoveAsync(running.Id, cancellationToken: Cancel));
        var pruned = await test.Engine.Containers.PruneAsync(Cancel);

        Assert.Contains("force: true", refused.Message);
        Assert.Equal([done.Id], pruned);
        Assert.Equal(ContainerStatus.Removed, done.Status);
        Assert.Equal(ContainerStatus.Running, running.Status);
    }

    [Fact]
    public async Task Listing_with_a_filter_returns_the_containers_docker_ps_filter_would()
    {
        await using var test = env.CreateEngine();
        await using var web = await test.Busybox(env.Rootfs).WithName("web-1").WithLabel("tier", "front").WithCommand("sleep", "30").StartAsync(Cancel);
        await using var db = await test.Busybox(env.Rootfs).WithName("db-1").WithLabel("tier", "back").WithLabel("backup", "yes").WithCommand("sleep", "30").StartAsync(Cancel);
        await using var done = await test.Busybox(env.Rootfs).WithName("web-job").WithLabel("tier", "front").WithCommand("true").StartAsync(Cancel);
        await done.WaitAsync(Cancel);

        async Task<string[]> Names(params string[] filters)
        {
            var filter = filters.Aggregate(new ContainerFilter(), (f, condition) => f.With(condition));
            return [.. (await test.Engine.Containers.ListAsync(filter, Cancel)).Select(c => c.Name).Order()];
        }

        Assert.Equal(["db-1", "web-1"], await Names());
        Assert.Equal(["web-1"], await Names("name=web"));
        Assert.Equal(["web-job"], await Names("status=exited"));
        Assert.Equal(["web-1"], await Names("label=tier=front"));
        Assert.Equal(["web-1", "web-job"], [.. (await test.Engine.Containers.ListAsync(new ContainerFilter { All = true }.With("label=tier=front"), Cancel)).Select(c => c.Name).Order()]);
        Assert.Equal(["db-1"], await Names("label=backup"));
        Assert.Equal(["db-1"], await Names($"id={db.Id[..8]}"));
        Assert.Empty(await Names("label=tier=middle"));
        var bad = Assert.Throws<FormatException>(() => new ContainerFilter().With("colour=red"));
        Assert.Contains("use name, id, status, ancestor or label", bad.Message);
    }

    [Fact]
    public async Task Creating_a_container_on_an_engines_own_network_or_with_a_wait_strategy_is_refused_with_what_to_do_instead()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], TestNet.UniqueSubnet(), Cancel);
        var onNetwork = await Assert.ThrowsAsync<ContainerConfigurationException>(() =>
            test.Engine.CreateAsync(test.Busybox(env.Rootfs).WithNetwork(network).Build(), Cancel));
        var waiting = await Assert.ThrowsAsync<ContainerConfigurationException>(() =>
            test.Engine.CreateAsync(test.Busybox(env.Rootfs).WithWaitStrategy(MiniDocker.Containers.Waiting.Wait.UntilFileExists("/tmp/x")).Build(), Cancel));

        Assert.Contains($"Network \"{network.Name}\" belongs to this engine", onNetwork.Message);
        Assert.Contains("persistent: true", onNetwork.Message);
        Assert.Contains("WaitAsync(container)", waiting.Message);
        Assert.Empty(await test.Engine.Containers.ListAsync(all: true, Cancel));
    }

    [Fact]
    public async Task A_container_created_by_one_engine_is_started_by_another_with_its_id_and_name()
    {
        await using var test = env.CreateEngine();
        var created = await test.Engine.CreateAsync(test.Busybox(env.Rootfs).WithName("made-earlier").WithLabel("k", "v")
            .WithCommand("/bin/sh", "-c", "echo hello from $(hostname)").Build(), Cancel);
        await using var other = new ContainerEngine(new MiniDockerOptions { RootDirectory = test.Root, CgroupParent = env.CgroupParent });

        var before = await other.Containers.InspectAsync("made-earlier", Cancel);
        await using var container = await other.Containers.StartAsync("made-earlier", Cancel);
        var exit = await container.WaitAsync(Cancel);
        var firstLogs = (await container.GetLogsAsync(Cancel)).Stdout;
        // Exited, it starts again (docker start): the same id, name and log.
        await using var again = await test.Engine.Containers.StartAsync("made-earlier", Cancel);
        await again.WaitAsync(Cancel);

        Assert.Equal((ContainerStatus.Created, "v"), (before.Status, before.Labels["k"]));
        Assert.Equal((created.Id, "made-earlier"), (container.Id, container.Name));
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal($"hello from {created.Id[..12]}\n", firstLogs);
        Assert.Equal((created.Id, "made-earlier"), (again.Id, again.Name));
        Assert.Equal($"hello from {created.Id[..12]}\nhello from {created.Id[..12]}\n", (await again.GetLogsAsync(Cancel)).Stdout);
    }
}
