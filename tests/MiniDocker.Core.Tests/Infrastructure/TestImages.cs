using MiniDocker.Images;
using static MiniDocker.Tests.Infrastructure.OciLayoutBuilder;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>
/// The multi-layer busybox image the image tests use, built from the host's static busybox:
/// layer 1 the rootfs (gzip), layer 2 adds /etc/motd and deletes /etc/busybox-rootfs (plain tar),
/// layer 3 makes /opt opaque over layer 1's /opt/a and adds /opt/c (zstd unless told otherwise).
/// </summary>
public static class TestImages
{
    public static OciLayoutBuilder Busybox(string rootfs, Compression topLayer = Compression.Zstd)
    {
        var layer1 = Path.Combine(Path.GetDirectoryName(rootfs)!, "l1-" + Guid.NewGuid().ToString("N")[..8]);
        CopyDirectory(rootfs, layer1);
        Directory.CreateDirectory(Path.Combine(layer1, "opt"));
        File.WriteAllText(Path.Combine(layer1, "opt", "a"), "a\n");
        try
        {
            return new OciLayoutBuilder
            {
                Config = new ImageRuntimeConfig
                {
                    Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=from the image"],
                    Cmd = ["/bin/sh", "-c", "cat /etc/motd"],
                    WorkingDir = "/work",
                    Labels = new Dictionary<string, string> { ["org.example.layered"] = "yes" },
                    ExposedPorts = new Dictionary<string, EmptyObject> { ["8080/tcp"] = new() },
                },
            }
            .AddDirectory(layer1, Compression.Gzip)
            .AddEntries(Compression.None, DirEntry("etc/"), FileEntry("etc/motd", "hello from layer 2\n"), WhiteoutEntry("etc/busybox-rootfs"))
            .AddEntries(topLayer, DirEntry("opt/"), FileEntry("opt/.wh..wh..opq", ""), FileEntry("opt/c", "c\n"));
        }
        finally
        {
            Directory.Delete(layer1, recursive: true);
        }
    }

    /// <summary>Imports the layered busybox image into <paramref name="test"/>'s store under <paramref name="name"/>.</summary>
    public static async Task<Image> ImportBusyboxAsync(this TestEnvironment env, TestEngine test, string name = "localhost/layered:1", OciLayoutBuilder? builder = null)
    {
        var layout = (builder ?? Busybox(env.Rootfs)).WriteLayout(env.Scratch);
        try
        {
            return Assert.Single(await test.Engine.Images.ImportAsync(layout, name, TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
    }

    /// <summary>Writes the layout to a fresh directory under <paramref name="parent"/> and returns it.</summary>
    public static string WriteLayout(this OciLayoutBuilder builder, string parent, string? refName = "latest")
    {
        var directory = Path.Combine(parent, "layout-" + Guid.NewGuid().ToString("N")[..8]);
        builder.Write(directory, refName);
        return directory;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link) File.CreateSymbolicLink(target, link);
            else if (entry is DirectoryInfo) CopyDirectory(entry.FullName, target);
            else File.Copy(entry.FullName, target);
        }
    }
}
