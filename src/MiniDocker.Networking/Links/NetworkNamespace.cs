using System.Runtime.InteropServices;
using MiniDocker.Networking.Netlink;

namespace MiniDocker.Networking.Links;

/// <summary>
/// A network namespace kept alive by a bind mount under /run/netns, as <c>ip netns add</c> does,
/// or opened from a process. Created from a short-lived thread, so no thread of this process
/// stays in it.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private const string RunDirectory = "/run/netns";
    private readonly bool _owned;

    private NetworkNamespace(string path, bool owned)
    {
        Path = path;
        _owned = owned;
    }

    /// <summary>The namespace file.</summary>
    public string Path { get; }

    /// <summary>Creates a namespace pinned at /run/netns/<paramref name="name"/> (visible to <c>ip netns</c>).</summary>
    public static unsafe NetworkNamespace Create(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/', StringComparison.Ordinal)) throw new ArgumentException($"\"{name}\" is not a namespace name.", nameof(name));
        Directory.CreateDirectory(RunDirectory);
        var path = System.IO.Path.Combine(RunDirectory, name);
        using (File.Create(path)) { }
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            // This thread alone moves into the new namespace, pins it with a bind mount, and exits.
            if (Tmds.Linux.LibC.unshare(0x40000000 /* CLONE_NEWNET */) != 0)
            {
                failure = new NetlinkException($"unshare(CLONE_NEWNET) failed: errno {Marshal.GetLastPInvokeError()}.", Marshal.GetLastPInvokeError());
                return;
            }
            var source = System.Text.Encoding.UTF8.GetBytes($"/proc/thread-self/ns/net\0");
            var target = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* s = source, t = target)
            {
                if (Tmds.Linux.LibC.mount(s, t, null, 4096 /* MS_BIND */, null) != 0)
                    failure = new NetlinkException($"bind-mounting the namespace on {path} failed: errno {Marshal.GetLastPInvokeError()}.", Marshal.GetLastPInvokeError());
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            File.Delete(path);
            throw failure;
        }
        using (var socket = RouteSocket.OpenIn(path))
            socket.SetUp("lo");
        return new NetworkNamespace(path, owned: true);
    }

    /// <summary>Opens a namespace file (a /run/netns entry or any bind mount of one).</summary>
    public static NetworkNamespace Open(string path) =>
        File.Exists(path) ? new NetworkNamespace(path, owned: false) : throw new FileNotFoundException($"No network namespace at {path}.", path);

    /// <summary>The network namespace of a process.</summary>
    public static NetworkNamespace OfProcess(int pid) => Open($"/proc/{pid}/ns/net");

    /// <summary>A netlink socket inside this namespace.</summary>
    public RouteSocket OpenRouteSocket() => RouteSocket.OpenIn(Path);

    /// <summary>Deletes a namespace this object created: unmounts and removes its pin.</summary>
    public unsafe void Dispose()
    {
        if (!_owned || !File.Exists(Path)) return;
        var target = System.Text.Encoding.UTF8.GetBytes(Path + "\0");
        fixed (byte* t = target)
            _ = Tmds.Linux.LibC.umount2(t, 2 /* MNT_DETACH */);
        File.Delete(Path);
    }
}
