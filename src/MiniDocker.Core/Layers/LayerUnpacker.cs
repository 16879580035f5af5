using System.Formats.Tar;
using System.Text;
using Microsoft.Win32.SafeHandles;
using MiniDocker.Interop;
using MiniDocker.Storage;
using static MiniDocker.Interop.FileCalls;

namespace MiniDocker.Layers;

/// <summary>
/// Unpacks a layer tar into a directory. Every path is resolved by the kernel beneath the
/// directory (<see cref="RootedDirectory"/>), so names with <c>..</c>, absolute names, symlinks
/// that lead out and hardlinks to files outside are refused, whatever order the entries come in.
/// Later entries replace earlier ones, as tar does. Directory times are set last, since adding
/// to a directory changes them.
/// </summary>
internal sealed class LayerUnpacker(LayerUnpackOptions options)
{
    public LayerUnpackOptions Options { get; } = options;

    private const string XattrPrefix = "SCHILY.xattr.";
    private const string OverlayOpaque = "trusted.overlay.opaque";

    /// <summary>Unpacks <paramref name="tar"/> (uncompressed) into <paramref name="target"/>, an existing directory.</summary>
    /// <exception cref="LayerArchiveException">The archive is malformed or hostile; what was unpacked so far stays, for the caller to discard.</exception>
    public LayerUnpackResult Unpack(Stream tar, string target, CancellationToken cancellationToken = default)
    {
        using var hashing = new HashingReadStream(tar);
        using var root = RootedDirectory.Open(target);
        var session = new Session(this, root, FreeBytes(root));
        try
        {
            using var reader = new TarReader(hashing, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                session.Apply(entry);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new LayerArchiveException($"The layer is not a valid tar archive: {e.Message}", null, e);
        }
        session.SetDirectoryTimes();
        return new LayerUnpackResult(hashing.Finish(), session.Bytes, session.Entries);
    }

    private static unsafe long FreeBytes(RootedDirectory root)
    {
        Tmds.Linux.statvfs st;
        return Tmds.Linux.LibC.fstatvfs(root.Handle.Fd, &st) == 0 ? (long)(ulong)st.f_bavail * (long)(ulong)st.f_frsize : long.MaxValue;
    }

    /// <summary>The state of one unpacking: what this layer wrote, the directories whose times wait.</summary>
    private sealed class Session(LayerUnpacker unpacker, RootedDirectory root, long freeBytes)
    {
        private readonly LayerUnpackOptions _options = unpacker.Options;
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly List<(string Path, DateTimeOffset Time)> _directoryTimes = [];

        public long Bytes { get; private set; }

        public int Entries { get; private set; }

        public void Apply(TarEntry entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes) return;
            var path = LayerPath.Normalize(entry.Name, entry.Name);
            Entries++;
            if (path.Length == 0)
            {
                // The root entry ("./") carries the layer root's mode; the root is ours, not the archive's.
                return;
            }
            var (parent, leaf) = LayerPath.Split(path);
            if (leaf.StartsWith(LayerPath.WhiteoutPrefix, StringComparison.Ordinal))
            {
                Whiteout(entry, parent, leaf);
                return;
            }

            using var parentFd = OpenParent(entry, parent);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory(entry, parentFd, path, leaf);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    RegularFile(entry, parentFd, leaf);
                    break;
                case TarEntryType.SymbolicLink:
                    Replace(parentFd, leaf);
                    Check(SymlinkAt(entry.LinkName, parentFd, leaf), entry, "symlinkat");
                    SetOwnerAndTime(entry, parentFd, leaf);
                    break;
                case TarEntryType.HardLink:
                    HardLink(entry, parentFd, leaf);
                    break;
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                    if (!_options.DeviceNodes) return;
                    Node(entry, parentFd, leaf, entry.EntryType == TarEntryType.CharacterDevice ? S_IFCHR : S_IFBLK);
                    break;
                case TarEntryType.Fifo:
                    Node(entry, parentFd, leaf, S_IFIFO);
                    break;
                default:
                    throw new LayerArchiveException(
                        $"The layer entry \"{entry.Name}\" is of type {entry.EntryType}, which layers do not use and the engine does not unpack. The archive is refused.", entry.Name);
            }
            _written.Add(path);
        }

        private SafeFd OpenParent(TarEntry entry, string parent)
        {
            var (fd, errno) = root.OpenDirectory(parent, create: true);
            if (fd is not null) return fd;
            throw errno switch
            {
                Errno.EXDEV or Errno.ELOOP => new LayerArchiveException(
                    $"The layer entry \"{entry.Name}\" goes through a symlink that leads outside the layer ({Errno.Describe(errno)}). The archive is refused: an entry may not be written through a link to elsewhere.", entry.Name),
                Errno.ENOTDIR => new LayerArchiveException(
                    $"The layer entry \"{entry.Name}\" is inside \"{parent}\", which the layer made a file, not a directory. The archive is refused.", entry.Name),
                _ => new LayerArchiveException($"The directory for layer entry \"{entry.Name}\" could not be opened: {Errno.Describe(errno)}.", entry.Name),
            };
        }

        private void Directory(TarEntry entry, SafeFd parentFd, string path, string leaf)
        {
            var existing = Stat(parentFd, leaf);
            if (existing is not { } st || (st.Mode & S_IFMT) != S_IFDIR)
            {
                Replace(parentFd, leaf);
                Check(MkdirAt(parentFd, leaf, 0x1c0), entry, "mkdirat");
            }
            if (_options.PreserveOwnership)
                Check(ChownAt(parentFd, leaf, (uint)entry.Uid, (uint)entry.Gid), entry, "fchownat");
            Check(ChmodAt(parentFd, leaf, (uint)entry.Mode), entry, "fchmodat");
            if (entry is PaxTarEntry pax && pax.ExtendedAttributes.Count > 0)
            {
                var (dir, _) = root.TryOpen(path, Tmds.Linux.LibC.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
                using (dir)
                    if (dir is not null) SetXattrs(pax, dir);
            }
            _directoryTimes.Add((path, entry.ModificationTime));
        }

        private void RegularFile(TarEntry entry, SafeFd parentFd, string leaf)
        {
            if (entry.Length > _options.MaxEntryBytes || entry.Length > freeBytes - Bytes)
                throw new LayerArchiveException(
                    $"The layer entry \"{entry.Name}\" claims {entry.Length} bytes, more than {(entry.Length > _options.MaxEntryBytes ? $"the {_options.MaxEntryBytes}-byte limit for one file" : $"the {freeBytes - Bytes} bytes left on the disk under {root.Path}")}. The archive is refused.", entry.Name);
            Replace(parentFd, leaf);
            int fd = OpenAt(parentFd, leaf, Tmds.Linux.LibC.O_WRONLY | Tmds.Linux.LibC.O_CREAT | Tmds.Linux.LibC.O_EXCL | O_NOFOLLOW, 0x180);
            Check(fd, entry, "openat");
            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            using var file = new FileStream(handle, FileAccess.Write, bufferSize: 0);
            entry.DataStream?.CopyTo(file, 128 * 1024);
            Bytes += entry.Length;
            if (_options.PreserveOwnership)
                Check(Tmds.Linux.LibC.fchown(fd, (uint)entry.Uid, (uint)entry.Gid), entry, "fchown");
            // After chown, which clears set-user-id bits.
            Check(Tmds.Linux.LibC.fchmod(fd, (Tmds.Linux.mode_t)(uint)entry.Mode), entry, "fchmod");
            if (entry is PaxTarEntry pax) SetXattrs(pax, new SafeFd(fd, ownsHandle: false));
            SetTime(entry, parentFd, leaf);
        }

        private void HardLink(TarEntry entry, SafeFd parentFd, string leaf)
        {
            var targetPath = LayerPath.Normalize(entry.LinkName, entry.Name);
            var (targetParent, targetLeaf) = LayerPath.Split(targetPath);
            var (targetParentFd, errno) = root.OpenDirectory(targetParent, create: false);
            using (targetParentFd)
            {
                if (targetParentFd is null || Stat(targetParentFd, targetLeaf) is null)
                    throw new LayerArchiveException(
                        $"The layer entry \"{entry.Name}\" is a hardlink to \"{entry.LinkName}\", which is not in the layer{(errno is Errno.EXDEV or Errno.ELOOP ? " (the path leads outside it)" : "")}. The archive is refused.", entry.Name);
                Replace(parentFd, leaf);
                // No AT_SYMLINK_FOLLOW: a hardlink to a symlink links the symlink, as tar does.
                Check(LinkAt(targetParentFd, targetLeaf, parentFd, leaf), entry, "linkat");
            }
        }

        private void Node(TarEntry entry, SafeFd parentFd, string leaf, uint type)
        {
            Replace(parentFd, leaf);
            var device = entry is PosixTarEntry posix ? MakeDev((uint)posix.DeviceMajor, (uint)posix.DeviceMinor) : 0;
            Check(MknodAt(parentFd, leaf, type | (uint)entry.Mode, device), entry, "mknodat");
            SetOwnerAndTime(entry, parentFd, leaf);
            Check(ChmodAt(parentFd, leaf, (uint)entry.Mode), entry, "fchmodat");
        }

        private void Whiteout(TarEntry entry, string parent, string leaf)
        {
            using var parentFd = OpenParent(entry, parent);
            if (leaf == LayerPath.OpaqueMarker)
            {
                if (_options.Whiteouts == WhiteoutMode.Overlay)
                {
                    var (dir, errno) = root.TryOpen(parent, Tmds.Linux.LibC.O_RDONLY | O_DIRECTORY);
                    using (dir)
                    {
                        if (dir is null) throw new LayerArchiveException($"The opaque marker \"{entry.Name}\" could not open its directory: {Errno.Describe(errno)}.", entry.Name);
                        SetXattr(dir, OverlayOpaque, "y"u8, entry);
                    }
                }
                else
                {
                    // Opaque: what the layers below put here is hidden; what this layer wrote stays.
                    foreach (var child in System.IO.Directory.EnumerateFileSystemEntries($"/proc/self/fd/{parentFd.Fd}"))
                    {
                        var name = Path.GetFileName(child);
                        if (!_written.Contains(parent.Length == 0 ? name : $"{parent}/{name}")) RootedDirectory.Remove(parentFd, name);
                    }
                }
                return;
            }
            if (leaf.StartsWith(LayerPath.WhiteoutPrefix + LayerPath.WhiteoutPrefix, StringComparison.Ordinal))
                return; // AUFS metadata (.wh..wh.plnk and the like) means nothing outside AUFS.
            var hidden = leaf[LayerPath.WhiteoutPrefix.Length..];
            if (hidden is "" or "." or "..")
                throw new LayerArchiveException($"The whiteout \"{entry.Name}\" names no file. The archive is refused.", entry.Name);
            RootedDirectory.Remove(parentFd, hidden);
            if (_options.Whiteouts == WhiteoutMode.Overlay)
                Check(MknodAt(parentFd, hidden, S_IFCHR, 0), entry, "mknodat (overlay whiteout)");
            _written.Add(parent.Length == 0 ? hidden : $"{parent}/{hidden}");
        }

        /// <summary>Directory mtimes last, deepest first, since creating their children changed them.</summary>
        public void SetDirectoryTimes()
        {
            foreach (var (path, time) in Enumerable.Reverse(_directoryTimes))
            {
                var (parent, leaf) = LayerPath.Split(path);
                var (fd, _) = root.OpenDirectory(parent, create: false);
                using (fd)
                    if (fd is not null) Utimens(fd, leaf, time);
            }
        }

        private static void Replace(SafeFd parentFd, string leaf) => RootedDirectory.Remove(parentFd, leaf);

        private void SetOwnerAndTime(TarEntry entry, SafeFd parentFd, string leaf)
        {
            if (_options.PreserveOwnership)
                Check(ChownAt(parentFd, leaf, (uint)entry.Uid, (uint)entry.Gid), entry, "fchownat");
            SetTime(entry, parentFd, leaf);
        }

        private static void SetTime(TarEntry entry, SafeFd parentFd, string leaf) => Utimens(parentFd, leaf, entry.ModificationTime);

        // Times are not worth failing a layer over (some filesystems refuse them on links).
        private static void Utimens(SafeFd parentFd, string leaf, DateTimeOffset time) => SetTimes(parentFd, leaf, time.ToUnixTimeSeconds());

        private static void SetXattrs(PaxTarEntry entry, SafeFd fd)
        {
            foreach (var (key, value) in entry.ExtendedAttributes)
            {
                if (!key.StartsWith(XattrPrefix, StringComparison.Ordinal)) continue;
                // System.Formats.Tar hands values over as UTF-8 text; a binary value
                // (security.capability, say) did not survive that and is not written half right.
                if (value.Contains('\uFFFD')) continue;
                SetXattr(fd, key[XattrPrefix.Length..], Encoding.UTF8.GetBytes(value), entry);
            }
        }

        private static void SetXattr(SafeFd fd, string name, ReadOnlySpan<byte> value, TarEntry entry)
        {
            if (FileCalls.SetXattr(fd, name, value) == 0) return;
            // Where the filesystem takes no such attribute the layer still unpacks, as tar's --xattrs does.
            if (Errno.Last is Errno.EOPNOTSUPP or Errno.EPERM or Errno.ENOSYS) return;
            throw new LayerArchiveException($"Setting the extended attribute {name} of \"{entry.Name}\" failed: {Errno.Describe(Errno.Last)}.", entry.Name);
        }

        private static void Check(int result, TarEntry entry, string call)
        {
            if (result >= 0) return;
            int errno = Errno.Last;
            throw new LayerArchiveException(
                errno == Errno.ENOSPC
                    ? $"The disk ran out of space while unpacking \"{entry.Name}\". Free some space and pull again."
                    : $"Unpacking the layer entry \"{entry.Name}\" failed: {call}: {Errno.Describe(errno)}.", entry.Name);
        }
    }
}
