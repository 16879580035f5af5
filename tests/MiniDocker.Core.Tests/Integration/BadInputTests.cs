using MiniDocker.Containers;
using MiniDocker.Execution;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>Each bad input gets an exception that says what was wrong, and leaves the store and the host as they were.</summary>
/// <remarks>Alone in its collection: it compares the host's child processes before and after.</remarks>
[Collection(nameof(HostCountingCollection))]
public sealed class BadInputTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Missing_command_says_it_was_not_found_in_the_container()
    {
        await using var test = env.CreateEngine();
        var before = HostSnapshot.Take();
        var e = await Assert.ThrowsAsync<ContainerCommandNotFoundException>(() => test.Busybox(env.Rootfs).WithCommand("/bin/nope").StartAsync(Cancel));
        Assert.StartsWith("/bin/nope not found in the container", e.Message);
        Assert.Equal("/bin/nope", e.Command);
        Assert.Empty(test.StoreListing());
        Assert.Equal(before.Children, HostSnapshot.Take().Children);
    }

    [Fact]
    public async Task Missing_command_in_PATH_names_the_PATH_searched()
    {
        await using var test = env.CreateEngine();
        var e = await Assert.ThrowsAsync<ContainerCommandNotFoundException>(() => test.Busybox(env.Rootfs).WithCommand("nope").StartAsync(Cancel));
        Assert.Contains("nope not found in the container (searched in PATH=/usr/local/sbin", e.Message);
        Assert.Empty(test.StoreListing());
    }

    [Fact]
    public async Task Rootfs_that_does_not_exist_is_refused_before_anything_is_created()
    {
        await using var test = env.CreateEngine();
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() => test.Busybox("/nonexistent/rootfs").WithCommand("/bin/true").StartAsync(Cancel));
        Assert.Contains("/nonexistent/rootfs does not exist", e.Message);
        Assert.False(Directory.Exists(Path.Combine(test.Root, "containers")) && Directory.EnumerateFileSystemEntries(Path.Combine(test.Root, "containers")).Any());
    }

    [Fact]
    public async Task Bind_mount_source_that_does_not_exist_is_refused()
    {
        await using var test = env.CreateEngine();
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() =>
            test.Busybox(env.Rootfs).WithBindMount("/nonexistent/data", "/data").WithCommand("/bin/true").StartAsync(Cancel));
        Assert.Contains("bind mount source /nonexistent/data (for /data) does not exist on the host", e.Message);
        Assert.Empty(test.StoreListing());
    }

    [Theory]
    [InlineData("rootfs")]
    [InlineData("workdir")]
    [InlineData("bind-source")]
    [InlineData("bind-target")]
    public async Task Relative_paths_are_refused(string which)
    {
        await using var test = env.CreateEngine();
        var builder = test.Busybox(env.Rootfs).WithCommand("/bin/true");
        builder = which switch
        {
            "rootfs" => builder.WithRootfs("relative/rootfs"),
            "workdir" => builder.WithWorkingDirectory("work"),
            "bind-source" => builder.WithBindMount("data", "/data"),
            _ => builder.WithBindMount("/tmp", "data"),
        };
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() => builder.StartAsync(Cancel));
        Assert.Contains("relative", e.Message.Replace("not an absolute", "relative", StringComparison.Ordinal));
        Assert.Empty(test.StoreListing());
    }

    [Fact]
    public async Task Reserved_uid_is_refused()
    {
        await using var test = env.CreateEngine();
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() =>
            test.Busybox(env.Rootfs).WithUser(uint.MaxValue, 0).WithCommand("/bin/true").StartAsync(Cancel));
        Assert.Contains("4294967295 are reserved", e.Message);
    }

    [Fact]
    public async Task Second_container_with_the_same_name_is_refused_and_the_first_keeps_running()
    {
        await using var test = env.CreateEngine();
        await using var first = await test.Busybox(env.Rootfs).WithName("web").WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        var e = await Assert.ThrowsAsync<ContainerNameConflictException>(() =>
            test.Busybox(env.Rootfs).WithName("web").WithCommand("/bin/true").StartAsync(Cancel));
        Assert.Contains("\"web\" is already in use by container " + first.Id[..12], e.Message);
        Assert.Equal(ContainerStatus.Running, first.Status);
        Assert.Single(Directory.GetDirectories(Path.Combine(test.Root, "containers")));

        await first.DisposeAsync();
        await using var again = await test.Busybox(env.Rootfs).WithName("web").WithCommand("/bin/true").StartAsync(Cancel);
        Assert.Equal("web", again.Name);
    }

    [Fact]
    public async Task Invalid_name_is_refused()
    {
        await using var test = env.CreateEngine();
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() =>
            test.Busybox(env.Rootfs).WithName("../escape").WithCommand("/bin/true").StartAsync(Cancel));
        Assert.Contains("name \"../escape\" is invalid", e.Message);
        Assert.Empty(test.StoreListing());
    }

    [Fact]
    public async Task Working_directory_that_is_a_file_fails_naming_the_step()
    {
        await using var test = env.CreateEngine();
        var e = await Assert.ThrowsAsync<ContainerStartException>(() =>
            test.Busybox(env.Rootfs).WithWorkingDirectory("/etc/passwd").WithCommand("/bin/true").StartAsync(Cancel));
        Assert.Contains("/etc/passwd", e.Message);
        Assert.Contains("ENOTDIR", e.Message);
        Assert.NotNull(e.Step);
        Assert.Empty(test.StoreListing());
    }
}
