using System.Formats.Tar;
using System.Text;
using MiniDocker.Images;
using MiniDocker.Storage;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Images;

/// <summary>Commit, list, tag, remove, garbage collection, and archives in and out.</summary>
public sealed class ImageManagementTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_committed_container_gives_an_image_whose_containers_see_its_additions_and_deletions()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);
        await using var container = await test.Engine.CreateContainer().WithImage(image)
            .WithCommand("/bin/sh", "-c", "echo new > /created; rm /etc/motd; rm -rf /opt; mkdir /opt; echo d > /opt/d").StartAsync(Cancel);
        await container.WaitAsync(Cancel);

        var committed = await test.Engine.Images.CommitAsync(container, "localhost/committed:1", new CommitOptions { Comment = "two changes" }, Cancel);
        var output = await test.Engine.CreateContainer().WithImage("localhost/committed:1").WithCommand("/bin/sh", "-c", "cat /created; ls /etc/motd 2>&1; ls /opt").RunAsync();

        Assert.Equal("new\nls: /etc/motd: No such file or directory\nd\n", output.Stdout + output.Stderr);
        Assert.Equal(image.Manifest.Layers.Count + 1, committed.Manifest.Layers.Count);
        Assert.Equal("two changes", committed.Config.History![^1].Comment);
        Assert.Equal(image.Config.Config!.Cmd, committed.Config.Config!.Cmd);
    }

    [Fact]
    public async Task A_running_container_is_frozen_while_it_is_committed_and_runs_on_after()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);
        await using var container = await test.Engine.CreateContainer().WithImage(image)
            .WithCommand("/bin/sh", "-c", "echo kept > /kept; sleep 30").StartAsync(Cancel);
        // The shell makes the file, then writes it: wait for what it wrote, not for the file.
        var kept = Path.Combine(container.StateDirectory, "upper", "kept");
        await Eventually.TrueAsync(() => File.Exists(kept) && File.ReadAllText(kept) == "kept\n");

        var committed = await test.Engine.Images.CommitAsync(container, "localhost/live:1", cancellationToken: Cancel);

        Assert.Equal(Containers.ContainerStatus.Running, container.Status);
        Assert.Equal("kept\n", await test.Engine.CreateContainer().WithImage(committed).ShellAsync("cat /kept"));
    }

    [Fact]
    public async Task Images_are_listed_tagged_found_by_id_prefix_and_removed_tag_by_tag()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);

        await test.Engine.Images.TagAsync("localhost/layered:1", "example.com/team/app:2", Cancel);
        var byPrefix = await test.Engine.Images.GetAsync(image.Id.Hex[..12], Cancel);
        var untag = await test.Engine.Images.RemoveAsync("localhost/layered:1", cancellationToken: Cancel);
        var afterUntag = await test.Engine.Images.ListAsync(Cancel);
        var remove = await test.Engine.Images.RemoveAsync("example.com/team/app:2", cancellationToken: Cancel);

        Assert.Equal(["example.com/team/app:2", "localhost/layered:1"], byPrefix.Tags);
        Assert.Equal(["localhost/layered:1"], untag.Untagged);
        Assert.Empty(untag.Deleted);
        Assert.Equal(["example.com/team/app:2"], Assert.Single(afterUntag).Tags);
        Assert.Equal([image.ManifestDigest], remove.Deleted);
        Assert.Empty(await test.Engine.Images.ListAsync(Cancel));
        Assert.Empty(test.Engine.Images.Blobs.List());
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(test.Root, "images", "layers", "sha256")));
        await Assert.ThrowsAsync<ImageNotFoundException>(() => test.Engine.Images.GetAsync("localhost/layered:1", Cancel));
    }

    [Fact]
    public async Task An_image_a_container_uses_is_not_removed_unless_forced_and_its_layers_stay_until_the_container_goes()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);
        var container = await test.Engine.CreateContainer().WithImage(image).WithCommand("sleep", "30").StartAsync(Cancel);

        var refused = await Assert.ThrowsAsync<ImageInUseException>(() => test.Engine.Images.RemoveAsync("localhost/layered:1", cancellationToken: Cancel));
        var forced = await test.Engine.Images.RemoveAsync("localhost/layered:1", force: true, Cancel);
        var stillRuns = await container.ExecAsync(["cat", "/etc/motd"], cancellationToken: Cancel);
        await container.DisposeAsync();
        var collected = await test.Engine.Images.CollectGarbageAsync(Cancel);

        Assert.Contains(container.Id[..12], refused.Message);
        Assert.Contains("force", refused.Message);
        Assert.Equal([image.ManifestDigest], forced.Deleted);
        Assert.Equal("hello from layer 2\n", stillRuns.Stdout);
        Assert.Equal(image.Manifest.Layers.Count + 2, collected.BlobsRemoved);
        Assert.Equal(image.ChainIds.Count, collected.LayersRemoved);
        Assert.Empty(test.Engine.Images.Blobs.List());
    }

    [Fact]
    public async Task Pruning_the_engine_removes_exited_containers_and_then_the_image_content_only_they_held()
    {
        await using var test = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(test);
        var container = await test.Engine.CreateContainer().WithImage(image).WithCommand("true").StartAsync(Cancel);
        await container.WaitAsync(Cancel);
        await test.Engine.Images.RemoveAsync(image.Id.ToString(), force: true, Cancel);
        Assert.NotEmpty(test.Engine.Images.Blobs.List()); // the exited container still holds its layers

        var pruned = await test.Engine.PruneAsync(Cancel);

        Assert.Equal([container.Id], pruned.Containers);
        Assert.Equal(image.ChainIds.Count, pruned.Images.LayersRemoved);
        Assert.Empty(test.Engine.Images.Blobs.List());
        Assert.Equal(Containers.ContainerStatus.Removed, container.Status);
    }

    [Fact]
    public async Task An_exported_archive_imports_elsewhere_with_the_same_digests()
    {
        await using var source = env.CreateEngine();
        var image = await env.ImportBusyboxAsync(source);
        var archive = Path.Combine(env.Scratch, "export-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        await using (var file = File.Create(archive))
            await source.Engine.Images.ExportAsync(["localhost/layered:1"], file, Cancel);
        await using var target = env.CreateEngine();

        var imported = Assert.Single(await target.Engine.Images.ImportAsync(archive, cancellationToken: Cancel));
        var entries = TarNames(archive);
        File.Delete(archive);

        Assert.Equal(image.ManifestDigest, imported.ManifestDigest);
        Assert.Equal(["localhost/layered:1"], imported.Tags);
        Assert.Contains("manifest.json", entries);
        Assert.Contains("index.json", entries);
        Assert.Contains("oci-layout", entries);
        Assert.Equal("hello from layer 2\n", (await target.Engine.CreateContainer().WithImage(imported).RunAsync()).Stdout);
    }

    [Fact]
    public async Task A_docker_save_archive_of_the_old_layout_imports_and_runs()
    {
        var layer = OciLayoutBuilder.Tar(OciLayoutBuilder.FileEntry("bin/hello", "#!/bin/sh\necho old docker save\n", 0x1ed));
        var busybox = File.ReadAllBytes(Require.Busybox());
        var tools = OciLayoutBuilder.Tar(new PaxTarEntry(TarEntryType.RegularFile, "bin/sh") { DataStream = new MemoryStream(busybox), Mode = (UnixFileMode)0x1ed });
        var config = Encoding.UTF8.GetBytes($$$"""{"architecture":"{{{Platform.Current.Architecture}}}","os":"linux","config":{"Cmd":["/bin/sh","/bin/hello"]},"rootfs":{"type":"layers","diff_ids":["{{{Digest.Sha256(tools)}}}","{{{Digest.Sha256(layer)}}}"]} }""");
        var configName = Digest.Sha256(config).Hex + ".json";
        var manifest = Encoding.UTF8.GetBytes($$"""[{"Config":"{{configName}}","RepoTags":["old/save:1"],"Layers":["aaa/layer.tar","bbb/layer.tar"]}]""");
        var archive = Path.Combine(env.Scratch, "save-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        File.WriteAllBytes(archive, OciLayoutBuilder.Tar(
            Entry("aaa/layer.tar", tools), Entry("aaa/json", "{}"u8.ToArray()), Entry("bbb/layer.tar", layer), Entry(configName, config), Entry("manifest.json", manifest)));
        await using var test = env.CreateEngine();

        var image = Assert.Single(await test.Engine.Images.ImportAsync(archive, cancellationToken: Cancel));
        File.Delete(archive);
        var (exit, stdout, _) = await test.Engine.CreateContainer().WithImage(image).RunAsync();

        Assert.Equal(["docker.io/old/save:1"], image.Tags);
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("old docker save\n", stdout);
        Assert.Equal(4, test.Engine.Images.Blobs.List().Count()); // the layer json was dropped
    }

    [Fact]
    public async Task An_archive_with_a_corrupted_blob_is_refused_and_the_store_stays_as_it_was()
    {
        await using var test = env.CreateEngine();
        var layout = TestImages.Busybox(env.Rootfs).WriteLayout(env.Scratch);
        var before = test.ImageStoreListing();
        var blob = Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = File.ReadAllBytes(blob);
        bytes[^10] ^= 0xff;
        File.WriteAllBytes(blob, bytes);

        var e = await Assert.ThrowsAsync<BlobIntegrityException>(() => test.Engine.Images.ImportAsync(layout, "localhost/corrupt:1", Cancel));
        Directory.Delete(layout, recursive: true);

        Assert.Contains("hashes to", e.Message);
        Assert.Equal(before, test.ImageStoreListing());
    }

    [Theory]
    [MemberData(nameof(MiniDocker.Tests.Layers.LayerUnpackerTests.HostileArchives), MemberType = typeof(MiniDocker.Tests.Layers.LayerUnpackerTests))]
    public async Task An_image_with_a_hostile_layer_is_refused_and_the_store_stays_as_it_was(string name, byte[] tar)
    {
        await using var test = env.CreateEngine();
        await env.ImportBusyboxAsync(test); // a store with content, which must stay as it is
        var layout = new OciLayoutBuilder().AddTar(tar).WriteLayout(env.Scratch);
        var before = test.ImageStoreListing();

        var e = await Assert.ThrowsAsync<MiniDocker.Layers.LayerArchiveException>(() => test.Engine.Images.ImportAsync(layout, $"localhost/hostile-{name}:1", Cancel));
        Directory.Delete(layout, recursive: true);

        Assert.Contains("refused", e.Message);
        Assert.Equal(before, test.ImageStoreListing());
        Assert.False(File.Exists(Path.Combine(env.Scratch, "escaped")));
    }

    [Fact]
    public async Task What_a_crashed_engine_was_writing_is_removed_and_never_read()
    {
        await using var test = env.CreateEngine();
        await env.ImportBusyboxAsync(test);
        // A pid that cannot be alive: what a process killed mid-pull left.
        var blobIngest = Path.Combine(test.Root, "images", "ingest", "2147483646.deadbeef");
        var layerIngest = Path.Combine(test.Root, "images", "layers", "ingest", "2147483646.deadbeef");
        File.WriteAllText(blobIngest, "half a blob");
        Directory.CreateDirectory(Path.Combine(layerIngest, "diff", "half"));

        using var reopened = new ImageStore(test.Root);

        Assert.False(File.Exists(blobIngest));
        Assert.False(Directory.Exists(layerIngest));
        Assert.Equal(["localhost/layered:1"], Assert.Single(await reopened.ListAsync(Cancel)).Tags);
    }

    [Fact]
    public async Task Commit_needs_overlayfs_and_says_so()
    {
        await using var test = env.CreateEngine(o => o.StorageDriver = MiniDocker.Layers.StorageDriver.Copy);
        var image = await env.ImportBusyboxAsync(test);
        await using var container = await test.Engine.CreateContainer().WithImage(image).WithCommand("true").StartAsync(Cancel);
        await container.WaitAsync(Cancel);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => test.Engine.Images.CommitAsync(container, "localhost/x:1", cancellationToken: Cancel));

        Assert.Contains("Commit needs overlayfs", e.Message);
    }

    private static PaxTarEntry Entry(string name, byte[] content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0x1a4 };

    private static List<string> TarNames(string archive)
    {
        using var reader = new TarReader(File.OpenRead(archive));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry) names.Add(entry.Name);
        return names;
    }
}
