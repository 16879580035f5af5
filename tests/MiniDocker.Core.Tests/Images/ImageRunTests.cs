using MiniDocker.Containers;
using MiniDocker.Layers;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Images;

/// <summary>Containers run on images: layers as overlayfs lowers (or copies), the config's defaults, builder overrides.</summary>
public sealed class ImageRunTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StorageDriver.Overlay)]
    [InlineData(StorageDriver.Copy)]
    public async Task A_container_sees_the_layers_merged_with_whiteouts_and_opaque_directories_applied(StorageDriver driver)
    {
        await using var test = env.CreateEngine(o => o.StorageDriver = driver);
        var image = await env.ImportBusyboxAsync(test);

        var output = await test.Engine.CreateContainer().WithImage(image)
            .ShellAsync("cat /etc/motd; ls /etc/busybox-rootfs 2>&1 || echo deleted; ls /opt; pwd; echo $GREETING");

        Assert.Equal("hello from layer 2\nls: /etc/busybox-rootfs: No such file or directory\ndeleted\nc\n/work\nfrom the image\n", output);
        await test.Engine.Images.RemoveAsync(image.Id.ToString(), cancellationToken: Cancel);
    }

    [Fact]
    public async Task The_image_command_runs_when_none_is_given_and_the_builder_overrides_it_as_docker_run_does()
    {
        await using var test = env.CreateEngine();
        await env.ImportBusyboxAsync(test);

        var byDefault = await test.Engine.CreateContainer().WithImage("localhost/layered:1").RunAsync();
        var command = await test.Engine.CreateContainer().WithImage("localhost/layered:1").WithCommand("echo", "replaced").RunAsync();
        var entrypoint = await test.Engine.CreateContainer().WithImage("localhost/layered:1").WithEntrypoint("/bin/echo").RunAsync();
        var env2 = await test.Engine.CreateContainer().WithImage("localhost/layered:1").WithEnvironment("GREETING", "from the builder").WithWorkingDirectory("/tmp")
            .ShellAsync("echo $GREETING; pwd");

        Assert.Equal("hello from layer 2\n", byDefault.Stdout);
        Assert.Equal("replaced\n", command.Stdout);
        Assert.Equal("\n", entrypoint.Stdout); // --entrypoint clears the image's Cmd
        Assert.Equal("from the builder\n/tmp\n", env2);
    }

    [Fact]
    public async Task A_user_name_is_resolved_through_the_images_passwd_and_group_files()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);

        var output = await test.Engine.CreateContainer().WithImage(image).WithUser("user").ShellAsync("id -u; id -g; echo $HOME");
        var e = Assert.Throws<ContainerConfigurationException>(() => test.Engine.CreateContainer().WithImage(image).WithUser("nosuchuser").Build());

        Assert.Equal("1000\n1000\n/home\n", output);
        Assert.Contains("\"nosuchuser\" is not in the image's /etc/passwd", e.Message);
    }

    [Fact]
    public async Task Labels_exposed_ports_and_the_stop_signal_come_from_the_image_config()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);

        var definition = test.Engine.CreateContainer().WithImage(image).WithLabel("mine", "1").Build();

        Assert.Equal("yes", definition.Labels["org.example.layered"]);
        Assert.Equal("1", definition.Labels["mine"]);
        Assert.Equal(["8080/tcp"], definition.ExposedPorts);
        Assert.Equal(Signal.SIGTERM, definition.StopSignal);
    }

    [Fact]
    public async Task StopAsync_sends_the_stop_signal_the_image_names()
    {
        await using var test = env.CreateEngine();
        var builder = TestImages.Busybox(env.Rootfs);
        builder.Config = builder.Config with { StopSignal = "SIGINT", Cmd = ["/bin/sh", "-c", "trap 'echo got INT; exit 3' INT; echo ready; while true; do sleep 0.1; done"] };
        var layout = builder.WriteLayout(env.Scratch);
        var image = Assert.Single(await test.Engine.Images.ImportAsync(layout, "localhost/stops:1", Cancel));
        Directory.Delete(layout, recursive: true);
        await using var container = await test.Engine.CreateContainer().WithImage(image).StartAsync(Cancel);
        await Eventually.OutputContainsAsync(container, "ready");

        var exit = await container.StopAsync(TimeSpan.FromSeconds(10), Cancel);

        Assert.Equal(Signal.SIGINT, container.Definition.StopSignal);
        Assert.Equal(3, exit.ExitCode);
        Assert.Contains("got INT", (await container.GetLogsAsync(Cancel)).Stdout);
    }

    [Fact]
    public async Task What_a_container_writes_stays_in_its_own_upper_layer()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);

        await test.Engine.CreateContainer().WithImage(image).ShellAsync("echo changed > /etc/motd; rm /bin/vi; touch /new");
        var second = await test.Engine.CreateContainer().WithImage(image).ShellAsync("cat /etc/motd; ls /bin/vi; ls /new 2>/dev/null || echo no-new");

        Assert.Equal("hello from layer 2\n/bin/vi\nno-new\n", second);
        Assert.All(image.LayerDirectories, d => Assert.False(File.Exists(Path.Combine(d, "new"))));
    }

    [Fact]
    public async Task The_overlay_is_mounted_only_inside_the_container_never_on_the_host()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);
        var before = HostSnapshot.Take().Mounts;

        await using var container = await test.Engine.CreateContainer().WithImage(image).WithCommand("sleep", "30").StartAsync(Cancel);
        var during = HostSnapshot.Take().Mounts;
        var inside = await container.ExecAsync(["cat", "/proc/self/mountinfo"], cancellationToken: Cancel);

        Assert.Equal(before, during);
        Assert.Contains(" / / ", inside.Stdout);
        Assert.Contains("overlay", inside.Stdout.Split('\n').First(l => l.Contains(" / / ")));
    }

    [Fact]
    public async Task An_image_in_a_user_namespace_shows_its_files_owned_by_the_containers_root()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);

        var output = await test.Engine.CreateContainer().WithImage(image).WithUserNamespace(200000)
            .ShellAsync("stat -c %u /bin/busybox; touch /mine && stat -c %u /mine");

        Assert.Equal("0\n0\n", output);
    }
}
