using System.Formats.Tar;
using MiniDocker.Layers;

namespace MiniDocker.Images.Archives;

/// <summary>
/// The regular files of an image archive in the order they come: a tar (plain or compressed,
/// read as a stream) or a directory (an OCI image layout). Paths are only ever used as names,
/// never to write anywhere, so a hostile name cannot reach the host.
/// </summary>
internal static class ArchiveSource
{
    public static IEnumerable<ArchiveFile> Read(string path)
    {
        if (Directory.Exists(path))
        {
            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                using var stream = File.OpenRead(file);
                yield return new ArchiveFile(Path.GetRelativePath(path, file).Replace('\\', '/'), stream, stream.Length);
            }
            yield break;
        }
        using var archive = File.OpenRead(path);
        foreach (var file in Read(archive)) yield return file;
    }

    public static IEnumerable<ArchiveFile> Read(Stream archive)
    {
        Stream tar = archive.CanSeek ? LayerCompression.OpenTar(archive) : archive;
        using var reader = new TarReader(tar, leaveOpen: true);
        while (true)
        {
            TarEntry? entry;
            try
            {
                entry = reader.GetNextEntry();
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
            {
                throw new ImageFormatException($"The image archive is not a valid tar: {e.Message}", e);
            }
            if (entry is null) yield break;
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            yield return new ArchiveFile(LayerPath.Normalize(entry.Name, entry.Name), entry.DataStream, entry.Length);
        }
    }
}
