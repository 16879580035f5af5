using System.Formats.Tar;
using System.Text;
using MiniDocker.Layers;
using MiniDocker.Storage;
using MiniDocker.Tests.Infrastructure;
using static MiniDocker.Tests.Infrastructure.OciLayoutBuilder;

namespace MiniDocker.Tests.Layers;

/// <summary>Layer tars unpack as tar would, and hostile ones are refused before anything reaches the host.</summary>
public sealed class LayerUnpackerTests(TestEnvironment env) : IDisposable
{
    private readonly string _target = CreateTarget(env);
    private readonly string _outside = Path.Combine(env.Scratch, "outside-" + Guid.NewGuid().ToString("N")[..8]);

    private static string CreateTarget(TestEnvironment env)
    {
        Require.Root();
        var path = Path.Combine(env.Scratch, "layer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    private LayerUnpackResult Unpack(byte[] tar, WhiteoutMode mode = WhiteoutMode.Overlay, long? maxEntry = null) =>
        new LayerUnpacker(new LayerUnpackOptions { Whiteouts = mode, MaxEntryBytes = maxEntry ?? 1L << 40 }).Unpack(new MemoryStream(tar), _target);

    private string At(string relative) => Path.Combine(_target, relative);

    [Fact]
    public void Files_directories_links_modes_owners_times_and_nodes_unpack_as_tar_would()
    {
        var owned = FileEntry("srv/owned", "mine", 0x1ed);
        owned.Uid = 1234;
        owned.Gid = 4321;
        var setuid = FileEntry("usr/bin/tool", "#!", 0x9ed); // 04755
        var fifo = new PaxTarEntry(TarEntryType.Fifo, "run/pipe") { Mode = (UnixFileMode)0x180 };
        var device = new PaxTarEntry(TarEntryType.CharacterDevice, "dev/mynull") { DeviceMajor = 1, DeviceMinor = 3, Mode = (UnixFileMode)0x1b6 };
        var xattr = new PaxTarEntry(TarEntryType.RegularFile, "etc/tagged", new Dictionary<string, string> { ["SCHILY.xattr.user.origin"] = "layer" })
        { DataStream = new MemoryStream("x"u8.ToArray()), Mode = (UnixFileMode)0x1a4 };
        var tar = Tar(DirEntry("etc/", 0x1c0), FileEntry("etc/hostname", "box\n"), owned, setuid, SymlinkEntry("etc/link", "hostname"),
            HardLinkEntry("etc/hard", "etc/hostname"), fifo, device, xattr, DirEntry("deep/a/b/"));

        var result = Unpack(tar);

        Assert.Equal(Digest.Sha256(tar), result.DiffId);
        Assert.Equal("box\n", File.ReadAllText(At("etc/hostname")));
        Assert.Equal((UnixFileMode)0x1c0, File.GetUnixFileMode(At("etc")));
        Assert.Equal((UnixFileMode)0x9ed, File.GetUnixFileMode(At("usr/bin/tool")));
        Assert.Equal("hostname", new FileInfo(At("etc/link")).LinkTarget);
        Assert.Equal(Stat(At("etc/hostname")).Ino, Stat(At("etc/hard")).Ino);
        Assert.Equal((1234u, 4321u), (Stat(At("srv/owned")).Uid, Stat(At("srv/owned")).Gid));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_600_000_000).UtcDateTime, File.GetLastWriteTimeUtc(At("etc/hostname")));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_600_000_000).UtcDateTime, Directory.GetLastWriteTimeUtc(At("etc")));
        Assert.Equal(Interop.FileCalls.S_IFIFO, Stat(At("run/pipe")).Mode & Interop.FileCalls.S_IFMT);
        Assert.Equal((1u, 3u), (Stat(At("dev/mynull")).RdevMajor, Stat(At("dev/mynull")).RdevMinor));
        Assert.Equal("layer"u8.ToArray(), Interop.FileCalls.GetXattr(At("etc/tagged"), "user.origin"));
        Assert.True(Directory.Exists(At("deep/a/b")));
    }

    [Fact]
    public void Gnu_and_ustar_headers_unpack_too_with_long_names_and_long_link_targets()
    {
        var longName = string.Join('/', Enumerable.Repeat("a-rather-long-directory-name", 8)) + "/file";
        var longTarget = string.Join('/', Enumerable.Repeat("..", 3)) + "/" + new string('t', 150);
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, longName) { DataStream = new MemoryStream("gnu"u8.ToArray()), Mode = (UnixFileMode)0x1a4 });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "long-link") { LinkName = longTarget });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "ustar") { DataStream = new MemoryStream("u"u8.ToArray()), Mode = (UnixFileMode)0x1a4 });
        }

        Unpack(stream.ToArray());

        Assert.Equal("gnu", File.ReadAllText(At(longName)));
        Assert.Equal(longTarget, new FileInfo(At("long-link")).LinkTarget);
        Assert.Equal("u", File.ReadAllText(At("ustar")));
    }

    [Fact]
    public void In_overlay_mode_whiteouts_become_what_overlayfs_reads()
    {
        Unpack(Tar(DirEntry("opt/"), FileEntry("opt/.wh..wh..opq", ""), FileEntry("opt/kept", "k"), WhiteoutEntry("etc/gone")));

        var whiteout = Stat(At("etc/gone"));
        Assert.Equal(Interop.FileCalls.S_IFCHR, whiteout.Mode & Interop.FileCalls.S_IFMT);
        Assert.Equal((0u, 0u), (whiteout.RdevMajor, whiteout.RdevMinor));
        Assert.Equal("y"u8.ToArray(), Interop.FileCalls.GetXattr(At("opt"), "trusted.overlay.opaque"));
        Assert.False(File.Exists(At("opt/.wh..wh..opq")));
    }

    [Fact]
    public void In_apply_mode_whiteouts_delete_what_the_layers_below_put_there()
    {
        Unpack(Tar(FileEntry("etc/gone", "g"), DirEntry("opt/"), FileEntry("opt/old", "o"), DirEntry("opt/olddir/"), FileEntry("opt/olddir/x", "x")), WhiteoutMode.Apply);

        Unpack(Tar(WhiteoutEntry("etc/gone"), DirEntry("opt/"), FileEntry("opt/new", "n"), FileEntry("opt/.wh..wh..opq", "")), WhiteoutMode.Apply);

        Assert.False(Path.Exists(At("etc/gone")));
        Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(At("opt")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_later_entry_replaces_an_earlier_one_of_another_kind()
    {
        Unpack(Tar(DirEntry("a/"), FileEntry("a/inside", "i"), FileEntry("a", "now a file"), SymlinkEntry("b", "a"), FileEntry("b", "now a file too")));

        Assert.Equal("now a file", File.ReadAllText(At("a")));
        Assert.Null(new FileInfo(At("b")).LinkTarget);
    }

    public static TheoryData<string, byte[]> HostileArchives() => new()
    {
        { "dot-dot", Tar(FileEntry("../escaped", "x")) },
        { "dot-dot-deep", Tar(FileEntry("etc/../../escaped", "x")) },
        { "absolute", Tar(FileEntry("/escaped", "x")) },
        { "absolute-symlink-parent", Tar(SymlinkEntry("link", "/"), FileEntry("link/escaped", "x")) },
        { "climbing-symlink-parent", Tar(SymlinkEntry("up", "../.."), FileEntry("up/escaped", "x")) },
        { "hardlink-dot-dot", Tar(HardLinkEntry("h", "../../escaped-target")) },
        { "hardlink-absolute", Tar(HardLinkEntry("h", "/etc/passwd")) },
        { "hardlink-through-symlink", Tar(SymlinkEntry("etcl", "/etc"), HardLinkEntry("h", "etcl/passwd")) },
        { "directory-swapped-for-symlink", Tar(DirEntry("a/"), SymlinkEntry("a", "/"), FileEntry("a/escaped", "x")) },
        { "whiteout-of-dot-dot", Tar(FileEntry(".wh...", "")) },
    };

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public void A_hostile_archive_is_refused_with_the_entry_named_and_nothing_written_outside(string name, byte[] tar)
    {
        _ = name;

        var e = Assert.Throws<LayerArchiveException>(() => Unpack(tar));

        Assert.NotNull(e.EntryName);
        Assert.Contains("refused", e.Message);
        Assert.False(Path.Exists(Path.Combine(env.Scratch, "escaped")));
        Assert.False(Path.Exists("/escaped"));
        Assert.False(Path.Exists(Path.Combine(Path.GetDirectoryName(env.Scratch)!, "escaped-target")));
    }

    [Fact]
    public void A_symlink_to_a_host_directory_is_never_written_through()
    {
        Directory.CreateDirectory(_outside);

        Assert.Throws<LayerArchiveException>(() => Unpack(Tar(SymlinkEntry("x", _outside), FileEntry("x/planted", "p"))));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public void An_entry_claiming_an_absurd_size_is_refused_before_any_byte_is_written()
    {
        var e = Assert.Throws<LayerArchiveException>(() => Unpack(HugeEntryTar("big", 1L << 50)));

        Assert.Contains("claims 1125899906842624 bytes", e.Message);
        Assert.False(Path.Exists(At("big")));
    }

    [Fact]
    public void Garbage_is_not_taken_for_a_tar()
    {
        var e = Assert.Throws<LayerArchiveException>(() => Unpack(Encoding.ASCII.GetBytes(new string('x', 1024))));
        Assert.Contains("not a valid tar", e.Message);
    }

    /// <summary>A ustar header whose size field is in base-256, as GNU tar writes sizes over 8 GiB, and no data.</summary>
    private static byte[] HugeEntryTar(string name, long size)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        header[124] = 0x80;
        for (int i = 0; i < 8; i++) header[135 - i] = (byte)(size >> (8 * i));
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\0").CopyTo(header, 257);
        Encoding.ASCII.GetBytes("00").CopyTo(header, 263);
        Encoding.ASCII.GetBytes("        ").CopyTo(header, 148);
        var checksum = header.Sum(b => (int)b);
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return [.. header, .. new byte[1024]];
    }

    private static Interop.FileCalls.Statx Stat(string path)
    {
        using var dir = RootedDirectory.Open(Path.GetDirectoryName(path)!);
        return Interop.FileCalls.Stat(dir.Handle, Path.GetFileName(path)) ?? throw new FileNotFoundException(path);
    }

    public void Dispose()
    {
        if (Directory.Exists(_target)) Directory.Delete(_target, recursive: true);
        if (Directory.Exists(_outside)) Directory.Delete(_outside, recursive: true);
    }
}
