using System.Diagnostics;
using MiniDocker.Images;
using MiniDocker.Layers;
using MiniDocker.Registry;
using MiniDocker.Storage;
using MiniDocker.Tests.Infrastructure;
using static MiniDocker.Tests.Infrastructure.OciLayoutBuilder;

namespace MiniDocker.Tests.Images;

/// <summary>Pull and push against a real registry (docker-registry on 127.0.0.1), with and without authentication.</summary>
public sealed class RegistryTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Imports the layered busybox image into <paramref name="test"/> and pushes it to <paramref name="host"/>.</summary>
    private async Task<Image> SeedAsync(TestEngine test, string host, string repository = "busybox:1", OciLayoutBuilder? builder = null)
    {
        var layout = (builder ?? TestImages.Busybox(env.Rootfs)).WriteLayout(env.Scratch);
        try
        {
            var image = Assert.Single(await test.Engine.Images.ImportAsync(layout, $"{host}/{repository}", Cancel));
            var pushed = await test.Engine.Images.PushAsync($"{host}/{repository}", cancellationToken: Cancel);
            Assert.Equal(image.ManifestDigest, pushed);
            return image;
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
    }

    private static Action<MiniDockerOptions> WithCredentials(string host, string user, string password) =>
        o => o.Registry.Credentials[host] = new RegistryCredentials(user, password);

    [Fact]
    public async Task Push_then_pull_round_trips_an_image_bit_for_bit_and_the_pulled_image_runs()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var source = env.CreateEngine();
        var pushed = await SeedAsync(source, registry.Host);
        await using var target = env.CreateEngine();
        var progress = new List<PullProgress>();

        var pulled = await target.Engine.Images.PullAsync($"{registry.Host}/busybox:1", new SynchronousProgress<PullProgress>(progress.Add), Cancel);
        var output = await target.Engine.CreateContainer().WithImage(pulled)
            .ShellAsync("cat /etc/motd; ls /etc/busybox-rootfs 2>/dev/null || echo deleted; ls /opt");

        Assert.Equal(pushed.ManifestDigest, pulled.ManifestDigest);
        Assert.Equal(pushed.Id, pulled.Id);
        Assert.Equal([$"{registry.Host}/busybox:1"], pulled.Tags);
        Assert.Equal([$"{registry.Host}/busybox@{pushed.ManifestDigest}"], pulled.RepoDigests);
        Assert.Equal("hello from layer 2\ndeleted\nc\n", output);
        foreach (var layer in pulled.Manifest.Layers)
        {
            Assert.Contains(progress, p => p.Layer == layer.Digest && p.Status == PullStatus.Downloading);
            Assert.Contains(progress, p => p.Layer == layer.Digest && p.Status == PullStatus.Complete && p.Current == layer.Size);
        }
        foreach (var blob in pushed.Manifest.Layers.Select(l => l.Digest).Append(pushed.Manifest.Config.Digest).Append(pushed.ManifestDigest))
            Assert.Equal(File.ReadAllBytes(source.Engine.Images.Blobs.PathOf(blob)), File.ReadAllBytes(target.Engine.Images.Blobs.PathOf(blob)));
    }

    [Fact]
    public async Task Pulling_again_downloads_no_layer()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var test = env.CreateEngine();
        await SeedAsync(test, registry.Host);
        await using var target = env.CreateEngine();
        await target.Engine.Images.PullAsync($"{registry.Host}/busybox:1", cancellationToken: Cancel);
        var progress = new List<PullProgress>();

        var again = await target.Engine.Images.PullAsync($"{registry.Host}/busybox:1", new SynchronousProgress<PullProgress>(progress.Add), Cancel);

        Assert.DoesNotContain(progress, p => p.Status is PullStatus.Downloading or PullStatus.Waiting);
        Assert.Equal(again.Manifest.Layers.Count, progress.Count(p => p.Status == PullStatus.AlreadyExists));
    }

    [Fact]
    public async Task An_image_pushed_by_skopeo_pulls_and_runs()
    {
        var skopeo = Require.Tool("skopeo", "skopeo");
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        var layout = TestImages.Busybox(env.Rootfs).WriteLayout(env.Scratch, refName: "latest");
        try
        {
            Run(skopeo, "copy", "--dest-tls-verify=false", $"oci:{layout}:latest", $"docker://{registry.Host}/from-skopeo:latest");
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
        await using var test = env.CreateEngine();

        var image = await test.Engine.Images.PullAsync($"{registry.Host}/from-skopeo", cancellationToken: Cancel);
        var (exit, stdout, _) = await test.Engine.CreateContainer().WithImage(image).RunAsync();

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("hello from layer 2\n", stdout);
    }

    [Fact]
    public async Task From_a_multi_platform_index_the_hosts_platform_is_pulled_and_an_index_without_it_is_refused()
    {
        var skopeo = Require.Tool("skopeo", "skopeo");
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        var amd = TestImages.Busybox(env.Rootfs);
        var arm = TestImages.Busybox(env.Rootfs);
        arm.Architecture = Platform.Current.Architecture == "arm64" ? "riscv64" : "arm64";
        arm.Config = arm.Config with { Cmd = ["/bin/sh", "-c", "echo wrong platform"] };
        var s390 = TestImages.Busybox(env.Rootfs);
        s390.Architecture = "s390x";
        var both = Path.Combine(env.Scratch, "multi-" + Guid.NewGuid().ToString("N")[..8]);
        var foreign = Path.Combine(env.Scratch, "foreign-" + Guid.NewGuid().ToString("N")[..8]);
        OciLayoutBuilder.WriteIndex(both, [arm, amd]);
        OciLayoutBuilder.WriteIndex(foreign, [arm, s390]);
        try
        {
            Run(skopeo, "copy", "--all", "--dest-tls-verify=false", $"oci:{both}:latest", $"docker://{registry.Host}/multi:1");
            Run(skopeo, "copy", "--all", "--dest-tls-verify=false", $"oci:{foreign}:latest", $"docker://{registry.Host}/foreign:1");
        }
        finally
        {
            Directory.Delete(both, recursive: true);
            Directory.Delete(foreign, recursive: true);
        }
        await using var test = env.CreateEngine();

        var image = await test.Engine.Images.PullAsync($"{registry.Host}/multi:1", cancellationToken: Cancel);
        var before = test.ImageStoreListing();
        var e = await Assert.ThrowsAsync<ImageFormatException>(() => test.Engine.Images.PullAsync($"{registry.Host}/foreign:1", cancellationToken: Cancel));

        Assert.Equal(Platform.Current.Architecture, image.Config.Architecture);
        Assert.Equal("hello from layer 2\n", (await test.Engine.CreateContainer().WithImage(image).RunAsync()).Stdout);
        Assert.StartsWith($"{registry.Host}/multi@sha256:", Assert.Single(image.RepoDigests));
        Assert.NotEqual(image.ManifestDigest.ToString(), image.RepoDigests[0].Split('@')[1]); // the index's digest, as docker shows it
        Assert.Contains($"no manifest for {Platform.Current}", e.Message);
        Assert.Contains("linux/s390x", e.Message);
        Assert.Equal(before, test.ImageStoreListing());
    }

    [Fact]
    public async Task A_docker_schema_2_image_pulls_and_runs()
    {
        var skopeo = Require.Tool("skopeo", "skopeo");
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        // Docker's format has no zstd layers.
        var layout = TestImages.Busybox(env.Rootfs, OciLayoutBuilder.Compression.Gzip).WriteLayout(env.Scratch);
        try
        {
            Run(skopeo, "copy", "--format", "v2s2", "--dest-tls-verify=false", $"oci:{layout}:latest", $"docker://{registry.Host}/docker-format:1");
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
        await using var test = env.CreateEngine();

        var image = await test.Engine.Images.PullAsync($"{registry.Host}/docker-format:1", cancellationToken: Cancel);

        Assert.Equal(MediaTypes.DockerManifest, image.Manifest.MediaType);
        Assert.Equal("hello from layer 2\n", (await test.Engine.CreateContainer().WithImage(image).RunAsync()).Stdout);
    }

    [Fact]
    public async Task Blobs_are_pushed_in_chunks_and_mounted_from_another_repository_of_the_registry()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var test = env.CreateEngine(o => o.Registry.PushChunkBytes = 64 * 1024);
        var image = await SeedAsync(test, registry.Host);
        await test.Engine.Images.TagAsync(image.Id.ToString(), $"{registry.Host}/copy:1", Cancel);
        var progress = new List<PushProgress>();

        await test.Engine.Images.PushAsync($"{registry.Host}/copy:1", progress: new SynchronousProgress<PushProgress>(progress.Add), cancellationToken: Cancel);
        await using var target = env.CreateEngine();
        var pulled = await target.Engine.Images.PullAsync($"{registry.Host}/copy:1", cancellationToken: Cancel);

        Assert.True(image.Manifest.Layers.Max(l => l.Size) > 64 * 1024, "the test needs a layer larger than one chunk");
        Assert.All(image.Manifest.Layers, l => Assert.Contains(progress, p => p.Blob == l.Digest && p.Status == PushStatus.Mounted));
        Assert.Equal(image.ManifestDigest, pulled.ManifestDigest);
    }

    [Fact]
    public async Task Basic_authentication_takes_credentials_from_the_options_or_the_docker_config_file_and_refuses_bad_ones()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch, TestRegistry.Auth.Basic);
        await using var source = env.CreateEngine(WithCredentials(registry.Host, TestRegistry.User, TestRegistry.Password));
        await SeedAsync(source, registry.Host);
        var dockerConfig = Path.Combine(env.Scratch, "docker-config-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TestRegistry.User}:{TestRegistry.Password}"));
        File.WriteAllText(dockerConfig, "{\"auths\":{\"http://" + registry.Host + "\":{\"auth\":\"" + auth + "\"}}}");
        await using var anonymous = env.CreateEngine(o => o.Registry.DockerConfigPath = null);
        await using var wrong = env.CreateEngine(WithCredentials(registry.Host, TestRegistry.User, "wrong"));
        await using var fromFile = env.CreateEngine(o => o.Registry.DockerConfigPath = dockerConfig);
        var anonymousBefore = anonymous.ImageStoreListing();
        var wrongBefore = wrong.ImageStoreListing();

        var missing = await Assert.ThrowsAsync<RegistryAuthenticationException>(() => anonymous.Engine.Images.PullAsync($"{registry.Host}/busybox:1", cancellationToken: Cancel));
        var refused = await Assert.ThrowsAsync<RegistryAuthenticationException>(() => wrong.Engine.Images.PullAsync($"{registry.Host}/busybox:1", cancellationToken: Cancel));
        var pulled = await fromFile.Engine.Images.PullAsync($"{registry.Host}/busybox:1", cancellationToken: Cancel);
        File.Delete(dockerConfig);

        Assert.Contains("wants a user name and password", missing.Message);
        Assert.Contains($"refused the credentials of {TestRegistry.User}", refused.Message);
        Assert.DoesNotContain("wrong", refused.Message);
        Assert.Equal(anonymousBefore, anonymous.ImageStoreListing());
        Assert.Equal(wrongBefore, wrong.ImageStoreListing());
        Assert.Equal($"{registry.Host}/busybox:1", Assert.Single(pulled.Tags));
    }

    [Fact]
    public async Task Bearer_tokens_are_fetched_from_the_realm_the_registry_names()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch, TestRegistry.Auth.Token);
        await using var source = env.CreateEngine(WithCredentials(registry.Host, TestRegistry.User, TestRegistry.Password));
        var image = await SeedAsync(source, registry.Host);
        await using var target = env.CreateEngine(WithCredentials(registry.Host, TestRegistry.User, TestRegistry.Password));
        await using var wrong = env.CreateEngine(WithCredentials(registry.Host, TestRegistry.User, "wrong"));
        var before = wrong.ImageStoreListing();

        var pulled = await target.Engine.Images.PullAsync($"{registry.Host}/busybox:1", cancellationToken: Cancel);
        var refused = await Assert.ThrowsAsync<RegistryAuthenticationException>(() => wrong.Engine.Images.PullAsync($"{registry.Host}/busybox:1", cancellationToken: Cancel));

        Assert.Equal(image.ManifestDigest, pulled.ManifestDigest);
        Assert.True(registry.Tokens!.Issued >= 2, "the registry never asked for a token");
        Assert.Contains("token service", refused.Message);
        Assert.Contains($"refused the credentials of {TestRegistry.User}", refused.Message);
        Assert.Equal(before, wrong.ImageStoreListing());
    }

    [Fact]
    public async Task A_registry_serving_corrupted_blobs_gets_a_clear_error_and_the_store_stays_as_it_was()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var source = env.CreateEngine();
        await SeedAsync(source, registry.Host);
        using var proxy = FaultyProxy.Start(registry.Host);
        proxy.Mode = FaultyProxy.Fault.CorruptBlobs;
        await using var test = env.CreateEngine();
        var before = test.ImageStoreListing();

        var e = await Assert.ThrowsAsync<BlobIntegrityException>(() => test.Engine.Images.PullAsync($"{proxy.Host}/busybox:1", cancellationToken: Cancel));

        Assert.Contains("hashes to", e.Message);
        Assert.Equal(before, test.ImageStoreListing());
    }

    [Fact]
    public async Task A_registry_that_stops_mid_blob_is_resumed_and_one_that_keeps_stopping_gets_a_clear_error()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var source = env.CreateEngine();
        var image = await SeedAsync(source, registry.Host);
        using var proxy = FaultyProxy.Start(registry.Host);
        proxy.Mode = FaultyProxy.Fault.CutBlobs;
        await using var flaky = env.CreateEngine(o => o.Registry.RetryDelay = TimeSpan.FromMilliseconds(10));
        await using var broken = env.CreateEngine(o => o.Registry.RetryDelay = TimeSpan.FromMilliseconds(10));
        var before = broken.ImageStoreListing();

        proxy.Cuts = 2;
        var resumed = await flaky.Engine.Images.PullAsync($"{proxy.Host}/busybox:1", cancellationToken: Cancel);
        proxy.Cuts = int.MaxValue;
        var e = await Assert.ThrowsAsync<RegistryException>(() => broken.Engine.Images.PullAsync($"{proxy.Host}/busybox:1", cancellationToken: Cancel));

        Assert.Equal(image.ManifestDigest, resumed.ManifestDigest);
        Assert.Contains("stopped sending blob", e.Message);
        Assert.Equal(before, broken.ImageStoreListing());
    }

    [Fact]
    public async Task An_image_only_for_another_platform_is_refused_and_the_store_stays_as_it_was()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var source = env.CreateEngine();
        var arm = TestImages.Busybox(env.Rootfs);
        arm.Architecture = "arm64";
        await SeedAsync(source, registry.Host, "arm-only:1", arm);
        await using var test = env.CreateEngine();
        var before = test.ImageStoreListing();

        var e = await Assert.ThrowsAsync<ImageFormatException>(() => test.Engine.Images.PullAsync($"{registry.Host}/arm-only:1", cancellationToken: Cancel));

        Assert.Contains("linux/arm64 only", e.Message);
        Assert.Equal(before, test.ImageStoreListing());
    }

    [Fact]
    public async Task A_hostile_layer_from_a_registry_is_refused_and_the_store_stays_as_it_was()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var source = env.CreateEngine();
        var layout = new OciLayoutBuilder().AddEntries(Compression.Gzip, SymlinkEntry("escape", "/"), FileEntry("escape/tmp/pwned", "x")).WriteLayout(env.Scratch);
        var hostile = new OciLayoutBuilder().AddEntries(Compression.Gzip, FileEntry("../../pwned", "x")).WriteLayout(env.Scratch);
        await using var test = env.CreateEngine();
        var before = test.ImageStoreListing();
        try
        {
            // The source engine refuses to import it too, so it is pushed by skopeo, as an attacker would push it.
            var skopeo = Require.Tool("skopeo", "skopeo");
            Run(skopeo, "copy", "--dest-tls-verify=false", $"oci:{layout}:latest", $"docker://{registry.Host}/hostile:1");
            Run(skopeo, "copy", "--dest-tls-verify=false", $"oci:{hostile}:latest", $"docker://{registry.Host}/hostile:2");
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
            Directory.Delete(hostile, recursive: true);
        }

        var throughSymlink = await Assert.ThrowsAsync<LayerArchiveException>(() => test.Engine.Images.PullAsync($"{registry.Host}/hostile:1", cancellationToken: Cancel));
        var dotDot = await Assert.ThrowsAsync<LayerArchiveException>(() => test.Engine.Images.PullAsync($"{registry.Host}/hostile:2", cancellationToken: Cancel));

        Assert.Contains("symlink that leads outside the layer", throughSymlink.Message);
        Assert.Contains("\"..\"", dotDot.Message);
        Assert.False(File.Exists("/tmp/pwned"));
        Assert.Equal(before, test.ImageStoreListing());
    }

    [Fact]
    public async Task An_unknown_tag_gets_the_registrys_answer_in_the_message()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var test = env.CreateEngine();

        var e = await Assert.ThrowsAsync<RegistryException>(() => test.Engine.Images.PullAsync($"{registry.Host}/nothing:here", cancellationToken: Cancel));

        Assert.Contains("404", e.Message);
        Assert.Contains("UNKNOWN", e.Message);
        Assert.Contains("Check the name and the tag", e.Message);
    }

    [Fact]
    public async Task Two_engines_pulling_one_image_at_once_end_with_one_copy_of_each_blob()
    {
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        await using var source = env.CreateEngine();
        var image = await SeedAsync(source, registry.Host);
        await using var first = env.CreateEngine();
        using var second = new ImageStore(first.Root);

        var pulls = await Task.WhenAll(
            first.Engine.Images.PullAsync($"{registry.Host}/busybox:1", cancellationToken: Cancel),
            second.PullAsync($"{registry.Host}/busybox:1", cancellationToken: Cancel));

        Assert.All(pulls, p => Assert.Equal(image.ManifestDigest, p.ManifestDigest));
        var blobs = first.Engine.Images.Blobs.List().ToList();
        Assert.Equal(blobs.Count, blobs.Distinct().Count());
        Assert.Equal(image.Manifest.Layers.Count + 2, blobs.Count);
        Assert.Equal(image.ChainIds.Count, Directory.GetDirectories(Path.Combine(first.Root, "images", "layers", "sha256")).Length);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(first.Root, "images", "ingest")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(first.Root, "images", "layers", "ingest")));
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed: {stderr.Result}");
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _lock = new();

        public void Report(T value)
        {
            lock (_lock) report(value);
        }
    }
}
