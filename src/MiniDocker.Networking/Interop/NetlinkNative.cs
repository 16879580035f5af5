using System.Runtime.InteropServices;

namespace MiniDocker.Networking.Interop;

/// <summary>The socket and namespace calls the netlink client makes (Tmds.LibC's raw bindings).</summary>
internal static unsafe class NetlinkNative
{
    public const int AF_NETLINK = 16, NETLINK_ROUTE = 0, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000;
    public const int SOL_NETLINK = 270, NETLINK_EXT_ACK = 11, NETLINK_GET_STRICT_CHK = 12;
    public const int CLONE_NEWNET = 0x40000000;

    public static int Socket() => Tmds.Linux.LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

    public static int EnableExtendedAck(int fd)
    {
        int one = 1;
        return Tmds.Linux.LibC.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(int));
    }

    public static long Send(int fd, ReadOnlySpan<byte> message)
    {
        fixed (byte* p = message)
            return Tmds.Linux.LibC.send(fd, p, (Tmds.Linux.size_t)message.Length, 0);
    }

    public static long Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
            return Tmds.Linux.LibC.recv(fd, p, (Tmds.Linux.size_t)buffer.Length, 0);
    }

    public static int SetNs(int fd, int type) => Tmds.Linux.LibC.setns(fd, type);

    public static int LastError => Marshal.GetLastPInvokeError();
}
