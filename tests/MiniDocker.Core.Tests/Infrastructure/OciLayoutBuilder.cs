using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using MiniDocker.Images;
using MiniDocker.Storage;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>Builds OCI image layouts for tests: layers from directories or from hand-made tar entries.</summary>
public sealed class OciLayoutBuilder
{
    private readonly List<(byte[] Blob, string MediaType, Digest DiffId)> _layers = [];

    public ImageRuntimeConfig Config { get; set; } = new() { Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd = ["/bin/sh"] };

    /// <summary>The architecture the config claims; this host's by default.</summary>
    public string Architecture { get; set; } = Platform.Current.Architecture;

    public enum Compression { None, Gzip, Zstd }

    /// <summary>A layer holding a directory's files.</summary>
    public OciLayoutBuilder AddDirectory(string directory, Compression compression = Compression.Gzip)
    {
        using var tar = new MemoryStream();
        TarFile.CreateFromDirectory(directory, tar, includeBaseDirectory: false);
        return AddTar(tar.ToArray(), compression);
    }

    /// <summary>A layer of the given entries.</summary>
    public OciLayoutBuilder AddEntries(Compression compression, params TarEntry[] entries) => AddTar(Tar(entries), compression);

    public OciLayoutBuilder AddTar(byte[] tar, Compression compression = Compression.Gzip)
    {
        var diffId = Digest.Sha256(tar);
        var (blob, mediaType) = compression switch
        {
            Compression.Gzip => (Gzip(tar), MediaTypes.OciLayerTarGzip),
            Compression.Zstd => (new ZstdSharp.Compressor().Wrap(tar).ToArray(), MediaTypes.OciLayerTarZstd),
            _ => (tar, MediaTypes.OciLayerTar),
        };
        _layers.Add((blob, mediaType, diffId));
        return this;
    }

    public static byte[] Tar(params TarEntry[] entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var entry in entries) writer.WriteEntry(entry);
        return stream.ToArray();
    }

    public static PaxTarEntry FileEntry(string name, string content, int mode = 0x1a4)
    {
        return new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), Mode = (UnixFileMode)mode, ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000) };
    }

    public static PaxTarEntry DirEntry(string name, int mode = 0x1ed) =>
        new(TarEntryType.Directory, name) { Mode = (UnixFileMode)mode, ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000) };

    public static PaxTarEntry SymlinkEntry(string name, string target) => new(TarEntryType.SymbolicLink, name) { LinkName = target };

    public static PaxTarEntry HardLinkEntry(string name, string target) => new(TarEntryType.HardLink, name) { LinkName = target };

    public static PaxTarEntry WhiteoutEntry(string path)
    {
        var slash = path.LastIndexOf('/');
        return FileEntry(slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..], "");
    }

    /// <summary>Writes the layout into <paramref name="directory"/> and returns the manifest's digest.</summary>
    public Digest Write(string directory, string? refName = "latest")
    {
        var manifest = WriteBlobs(directory);
        WriteIndexFile(directory, manifest, refName);
        return manifest.Digest;
    }

    /// <summary>A multi-platform layout: an image index naming each builder's image with its platform.</summary>
    public static Digest WriteIndex(string directory, IReadOnlyList<OciLayoutBuilder> images, string refName = "latest")
    {
        var index = ImageDocuments.Serialize(new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciIndex,
            Manifests = [.. images.Select(i => i.WriteBlobs(directory) with { Platform = new Platform { Os = "linux", Architecture = i.Architecture } })],
        });
        var descriptor = new Descriptor { MediaType = MediaTypes.OciIndex, Digest = Put(directory, index), Size = index.Length };
        WriteIndexFile(directory, descriptor, refName);
        return descriptor.Digest;
    }

    private Descriptor WriteBlobs(string directory)
    {
        var config = ImageDocuments.Serialize(new ImageConfig
        {
            Architecture = Architecture,
            Os = "linux",
            Created = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000),
            Config = Config,
            RootFs = new ImageRootFs { Type = "layers", DiffIds = [.. _layers.Select(l => l.DiffId)] },
        });
        var manifest = ImageDocuments.Serialize(new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Put(directory, config), Size = config.Length },
            Layers = [.. _layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = Put(directory, l.Blob), Size = l.Blob.Length })],
        });
        return new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Put(directory, manifest), Size = manifest.Length };
    }

    private static Digest Put(string directory, byte[] content)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var digest = Digest.Sha256(content);
        File.WriteAllBytes(Path.Combine(blobs, digest.Hex), content);
        return digest;
    }

    private static void WriteIndexFile(string directory, Descriptor top, string? refName)
    {
        var index = ImageDocuments.Serialize(new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciIndex,
            Manifests = [top with { Annotations = refName is null ? null : new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = refName } }],
        });
        File.WriteAllBytes(Path.Combine(directory, "index.json"), index);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }
}
