using System.Formats.Tar;
using static MiniDocker.Interop.FileCalls;

namespace MiniDocker.Layers;

/// <summary>
/// Writes an overlayfs upper directory as an OCI layer tar: what the container added or changed
/// as entries, a deletion (the 0:0 character device overlayfs leaves) as a <c>.wh.name</c>
/// whiteout, and a directory made opaque (<c>trusted.overlay.opaque=y</c>) with a
/// <c>.wh..wh..opq</c> marker. Files with several links in the layer become one file and hardlinks.
/// </summary>
internal static class UpperLayerWriter
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    /// <param name="upper">The upper directory.</param>
    /// <param name="destination">Where the (uncompressed) tar goes.</param>
    /// <param name="exclude">Paths, relative to the root, that are left out (the engine's own mount targets).</param>
    public static void Write(string upper, Stream destination, IReadOnlySet<string> exclude)
    {
        using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        var links = new Dictionary<ulong, string>();
        WriteDirectory(writer, upper, "", exclude, links);
    }

    private static void WriteDirectory(TarWriter writer, string directory, string relative, IReadOnlySet<string> exclude, Dictionary<ulong, string> links)
    {
        using var handle = RootedDirectory.Open(directory);
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var entryName = relative.Length == 0 ? name : $"{relative}/{name}";
            if (exclude.Contains(entryName)) continue;
            var st = Stat(handle.Handle, name) ?? throw new FileNotFoundException(path);
            var type = st.Mode & S_IFMT;
            if (type == S_IFCHR && st.RdevMajor == 0 && st.RdevMinor == 0)
            {
                writer.WriteEntry(Entry(TarEntryType.RegularFile, (relative.Length == 0 ? "" : relative + "/") + LayerPath.WhiteoutPrefix + name, st, mode: 0));
                continue;
            }
            if (type == S_IFDIR)
            {
                writer.WriteEntry(Entry(TarEntryType.Directory, entryName + "/", st));
                if (GetXattr(path, "trusted.overlay.opaque") is [(byte)'y'])
                    writer.WriteEntry(Entry(TarEntryType.RegularFile, $"{entryName}/{LayerPath.OpaqueMarker}", st, mode: 0));
                WriteDirectory(writer, path, entryName, exclude, links);
                continue;
            }
            if (type == S_IFREG && st.Nlink > 1 && links.TryGetValue(st.Ino, out var first))
            {
                var link = Entry(TarEntryType.HardLink, entryName, st);
                link.LinkName = first;
                writer.WriteEntry(link);
                continue;
            }
            var entry = type switch
            {
                S_IFREG => Entry(TarEntryType.RegularFile, entryName, st),
                S_IFLNK => Entry(TarEntryType.SymbolicLink, entryName, st),
                S_IFCHR => Entry(TarEntryType.CharacterDevice, entryName, st),
                S_IFBLK => Entry(TarEntryType.BlockDevice, entryName, st),
                S_IFIFO => Entry(TarEntryType.Fifo, entryName, st),
                _ => null,
            };
            if (entry is null) continue; // sockets have no place in an image
            if (type == S_IFLNK) entry.LinkName = new FileInfo(path).LinkTarget ?? "";
            if (type is S_IFCHR or S_IFBLK)
            {
                entry.DeviceMajor = (int)st.RdevMajor;
                entry.DeviceMinor = (int)st.RdevMinor;
            }
            if (type == S_IFREG)
            {
                if (st.Nlink > 1) links[st.Ino] = entryName;
                using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                entry.DataStream = content;
                writer.WriteEntry(entry);
                continue;
            }
            writer.WriteEntry(entry);
        }
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, Statx st, int? mode = null) => new(type, name)
    {
        Mode = (UnixFileMode)(mode ?? (st.Mode & 0xfff)),
        Uid = (int)st.Uid,
        Gid = (int)st.Gid,
        ModificationTime = mode == 0 ? Epoch : DateTimeOffset.FromUnixTimeSeconds(st.MtimeSeconds),
    };
}
