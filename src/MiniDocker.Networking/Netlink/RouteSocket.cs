using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Win32.SafeHandles;
using MiniDocker.Networking.Interop;

namespace MiniDocker.Networking.Netlink;

/// <summary>
/// An rtnetlink (NETLINK_ROUTE) socket: creates and configures links, addresses and routes in the
/// network namespace it was opened in. Each request is acknowledged; a refusal becomes a
/// <see cref="NetlinkException"/> that names the request and carries the kernel's extended-ack text.
/// </summary>
public sealed class RouteSocket : IDisposable
{
    private const ushort NLMSG_ERROR = 2;
    private const ushort RTM_DELNEIGH = 29, RTM_GETNEIGH = 30, NDA_DST = 1, IFLA_ADDRESS = 1;
    private const ushort IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_LINKINFO = 18, IFLA_NET_NS_PID = 19, IFLA_NET_NS_FD = 28;
    private const ushort IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1;
    private const ushort IFA_LOCAL = 2, IFA_ADDRESS = 1, RTA_GATEWAY = 5, RTA_OIF = 4;
    private const uint IFF_UP = 1;
    private const int IfNameMax = 15;

    private readonly SafeFileHandle _socket;
    private readonly byte[] _receive = new byte[32768];
    private uint _sequence;

    private RouteSocket(SafeFileHandle socket) => _socket = socket;

    /// <summary>Opens a socket in this process's network namespace.</summary>
    public static RouteSocket Open()
    {
        int fd = NetlinkNative.Socket();
        if (fd < 0) throw new NetlinkException($"socket(AF_NETLINK, NETLINK_ROUTE) failed: errno {NetlinkNative.LastError}.", NetlinkNative.LastError);
        _ = NetlinkNative.EnableExtendedAck(fd);
        return new RouteSocket(new SafeFileHandle(fd, ownsHandle: true));
    }

    /// <summary>
    /// Opens a socket inside another network namespace (a /proc/&lt;pid&gt;/ns/net or bind-mounted
    /// namespace file), from a short-lived thread, so this process's own threads never move.
    /// </summary>
    public static RouteSocket OpenIn(string namespacePath)
    {
        RouteSocket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var target = File.OpenHandle(namespacePath);
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                if (NetlinkNative.SetNs((int)target.DangerousGetHandle(), NetlinkNative.CLONE_NEWNET) != 0)
                    throw new NetlinkException($"setns({namespacePath}, CLONE_NEWNET) failed: errno {NetlinkNative.LastError}.", NetlinkNative.LastError);
                try
                {
                    socket = Open();
                }
                finally
                {
                    _ = NetlinkNative.SetNs((int)home.DangerousGetHandle(), NetlinkNative.CLONE_NEWNET);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw (failure is NetlinkException ? failure : new NetlinkException($"Opening a netlink socket in {namespacePath} failed: {failure?.Message}", failure!));
    }

    /// <summary>Creates a veth pair; both ends start down in this namespace.</summary>
    public void CreateVeth(string name, string peerName) => CreateVeth(name, peerName, null);

    /// <summary>
    /// Creates a veth pair with the peer born in the network namespace of <paramref name="peerNamespacePid"/>:
    /// no move afterwards, which costs a wait for RCU (tens of milliseconds) per container.
    /// </summary>
    public void CreateVeth(string name, string peerName, int? peerNamespacePid)
    {
        CheckName(name);
        CheckName(peerName);
        var peer = new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
            .LinkHeader()
            .Attribute(IFLA_IFNAME, name)
            .BeginNested(IFLA_LINKINFO)
                .Attribute(IFLA_INFO_KIND, "veth")
                .BeginNested(IFLA_INFO_DATA)
                    .BeginNested(VETH_INFO_PEER)
                        .LinkHeader()
                        .Attribute(IFLA_IFNAME, peerName);
        if (peerNamespacePid is { } pid) peer = peer.Attribute(IFLA_NET_NS_PID, (uint)pid);
        var message = peer
                    .EndNested()
                .EndNested()
            .EndNested();
        Request(message, $"create veth {name} (peer {peerName}{(peerNamespacePid is { } p ? $" in the network namespace of pid {p}" : "")})");
    }

    /// <summary>Creates a bridge.</summary>
    public void CreateBridge(string name)
    {
        CheckName(name);
        var message = new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
            .LinkHeader()
            .Attribute(IFLA_IFNAME, name)
            .BeginNested(IFLA_LINKINFO).Attribute(IFLA_INFO_KIND, "bridge").EndNested();
        Request(message, $"create bridge {name}");
    }

    /// <summary>Deletes a link (a veth's peer goes with it).</summary>
    public void DeleteLink(string name) =>
        Request(new NetlinkMessage(NetlinkMessage.RTM_DELLINK, 0).LinkHeader().Attribute(IFLA_IFNAME, name), $"delete link {name}");

    /// <summary>Whether a link of that name exists here.</summary>
    public bool LinkExists(string name) => LinkIndex(name) > 0;

    /// <summary>Brings a link up.</summary>
    public void SetUp(string name) =>
        Request(new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, 0).LinkHeader(IndexOrThrow(name), IFF_UP, IFF_UP), $"set {name} up");

    /// <summary>Brings a link down.</summary>
    public void SetDown(string name) =>
        Request(new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, 0).LinkHeader(IndexOrThrow(name), 0, IFF_UP), $"set {name} down");

    /// <summary>Sets a link's MTU.</summary>
    public void SetMtu(string name, uint mtu) =>
        Request(new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, 0).LinkHeader(IndexOrThrow(name)).Attribute(IFLA_MTU, mtu), $"set {name} mtu {mtu}");

    /// <summary>Sets a link's hardware (MAC) address.</summary>
    public void SetMacAddress(string name, System.Net.NetworkInformation.PhysicalAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Request(new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, 0).LinkHeader(IndexOrThrow(name)).Attribute(IFLA_ADDRESS, address.GetAddressBytes()), $"set {name} address {address}");
    }

    /// <summary>Flushes the neighbour (ARP/NDP) entries of a link, as <c>ip neigh flush dev</c>.</summary>
    public void FlushNeighbours(string name)
    {
        int index = IndexOrThrow(name);
        foreach (var (family, destination) in Neighbours(index))
        {
            var message = new NetlinkMessage(RTM_DELNEIGH, 0).NeighbourHeader(family, index).Attribute(NDA_DST, destination);
            Request(message, $"delete a neighbour entry of {name}");
        }
    }

    /// <summary>Attaches a link to a bridge.</summary>
    public void SetMaster(string name, string bridge) =>
        Request(new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, 0).LinkHeader(IndexOrThrow(name)).Attribute(IFLA_MASTER, (uint)IndexOrThrow(bridge)), $"set {name} master {bridge}");

    /// <summary>Moves a link into the network namespace of a process.</summary>
    public void MoveToNamespaceOf(string name, int pid) =>
        Request(new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, 0).LinkHeader(IndexOrThrow(name)).Attribute(IFLA_NET_NS_PID, (uint)pid), $"move {name} to the network namespace of pid {pid}");

    /// <summary>Moves a link into the network namespace behind an open namespace file.</summary>
    public void MoveToNamespace(string name, SafeFileHandle namespaceFile)
    {
        ArgumentNullException.ThrowIfNull(namespaceFile);
        Request(new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, 0).LinkHeader(IndexOrThrow(name)).Attribute(IFLA_NET_NS_FD, (uint)namespaceFile.DangerousGetHandle()), $"move {name} to another network namespace");
    }

    /// <summary>Renames a link (it must be down).</summary>
    public void Rename(string name, string newName)
    {
        CheckName(newName);
        Request(new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, 0).LinkHeader(IndexOrThrow(name)).Attribute(IFLA_IFNAME, newName), $"rename {name} to {newName}");
    }

    /// <summary>Adds an address (IPv4 or IPv6) with its prefix length to a link.</summary>
    public void AddAddress(string name, IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        byte family = address.AddressFamily == AddressFamily.InterNetwork ? (byte)2 : (byte)10;
        var bytes = address.GetAddressBytes();
        var message = new NetlinkMessage(NetlinkMessage.RTM_NEWADDR, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
            .AddressHeader(family, (byte)prefixLength, IndexOrThrow(name))
            .Attribute(IFA_LOCAL, bytes)
            .Attribute(IFA_ADDRESS, bytes);
        Request(message, $"add address {address}/{prefixLength} to {name}");
    }

    /// <summary>Adds a default route through <paramref name="gateway"/> on a link.</summary>
    public void AddDefaultRoute(string name, IPAddress gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        byte family = gateway.AddressFamily == AddressFamily.InterNetwork ? (byte)2 : (byte)10;
        var message = new NetlinkMessage(NetlinkMessage.RTM_NEWROUTE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
            .RouteHeader(family, 0)
            .Attribute(RTA_GATEWAY, gateway.GetAddressBytes())
            .Attribute(RTA_OIF, (uint)IndexOrThrow(name));
        Request(message, $"add default route via {gateway} dev {name}");
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    /// <summary>The neighbour entries of a link: (family, destination address bytes).</summary>
    private List<(byte Family, byte[] Destination)> Neighbours(int index)
    {
        var sequence = ++_sequence;
        var request = new NetlinkMessage(RTM_GETNEIGH, 0x300 /* NLM_F_DUMP */).NeighbourHeader(0, 0).ToArray(sequence);
        int fd = (int)_socket.DangerousGetHandle();
        if (NetlinkNative.Send(fd, request) < 0)
            throw new NetlinkException($"send(netlink) failed: errno {NetlinkNative.LastError}.", NetlinkNative.LastError);
        var found = new List<(byte, byte[])>();
        while (true)
        {
            long n = NetlinkNative.Receive(fd, _receive);
            if (n < 0) throw new NetlinkException($"recv(netlink) failed: errno {NetlinkNative.LastError}.", NetlinkNative.LastError);
            for (int offset = 0; offset + 16 <= n;)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(_receive.AsSpan(offset));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(_receive.AsSpan(offset + 4));
                if (length < 16) return found;
                if (type is 3 /* NLMSG_DONE */ or NLMSG_ERROR) return found;
                // struct ndmsg { u8 family, pad1; u16 pad2; s32 ifindex; u16 state; u8 flags, type; } then attributes
                var body = _receive.AsSpan(offset + 16, length - 16);
                if (BinaryPrimitives.ReadInt32LittleEndian(body[4..]) == index)
                {
                    for (int a = 12; a + 4 <= body.Length;)
                    {
                        var attrLength = BinaryPrimitives.ReadUInt16LittleEndian(body[a..]);
                        if (attrLength < 4) break;
                        if (BinaryPrimitives.ReadUInt16LittleEndian(body[(a + 2)..]) == NDA_DST)
                            found.Add((body[0], body.Slice(a + 4, attrLength - 4).ToArray()));
                        a += (attrLength + 3) & ~3;
                    }
                }
                offset += (length + 3) & ~3;
            }
        }
    }

    private int IndexOrThrow(string name)
    {
        int index = LinkIndex(name);
        return index > 0 ? index : throw new NetlinkException($"There is no network link named {name} in this network namespace.", 19);
    }

    /// <summary>Asks the kernel for the index (works in any namespace, unlike /sys/class/net of the caller).</summary>
    private int LinkIndex(string name)
    {
        var message = new NetlinkMessage(NetlinkMessage.RTM_GETLINK, 0).LinkHeader().Attribute(IFLA_IFNAME, name);
        var reply = Exchange(message, out int error);
        if (error != 0) return 0;
        // The RTM_NEWLINK answer: nlmsghdr (16) then ifinfomsg, whose index is at offset 4.
        return reply.Length >= 24 && BinaryPrimitives.ReadUInt16LittleEndian(reply.AsSpan(4)) == NetlinkMessage.RTM_NEWLINK
            ? BinaryPrimitives.ReadInt32LittleEndian(reply.AsSpan(20))
            : 0;
    }

    private void Request(NetlinkMessage message, string what)
    {
        _ = Exchange(message, out int error, out string? detail);
        if (error != 0)
            throw new NetlinkException($"{what}: {ErrnoName(error)}{(detail is null ? "" : ": " + detail)}{Hint(error)}", error);
    }

    private byte[] Exchange(NetlinkMessage message, out int error) => Exchange(message, out error, out _);

    /// <summary>Sends the request and reads until its acknowledgement (or error) arrives.</summary>
    private byte[] Exchange(NetlinkMessage message, out int error, out string? detail)
    {
        var sequence = ++_sequence;
        var bytes = message.ToArray(sequence);
        int fd = (int)_socket.DangerousGetHandle();
        if (NetlinkNative.Send(fd, bytes) < 0)
            throw new NetlinkException($"send(netlink) failed: errno {NetlinkNative.LastError}.", NetlinkNative.LastError);
        var buffer = _receive;
        byte[] first = [];
        while (true)
        {
            long n = NetlinkNative.Receive(fd, buffer);
            if (n < 0) throw new NetlinkException($"recv(netlink) failed: errno {NetlinkNative.LastError}.", NetlinkNative.LastError);
            for (int offset = 0; offset + 16 <= n;)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                var seq = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 8));
                if (length < 16) break;
                if (seq == sequence)
                {
                    if (type == NLMSG_ERROR)
                    {
                        error = -BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset + 16));
                        detail = error == 0 ? null : ExtendedAck(buffer.AsSpan(offset, length));
                        return first;
                    }
                    if (first.Length == 0) first = buffer.AsSpan(offset, length).ToArray();
                }
                offset += (length + 3) & ~3;
            }
        }
    }

    /// <summary>The NLMSGERR_ATTR_MSG text after the echoed request header, if the kernel sent one.</summary>
    private static string? ExtendedAck(ReadOnlySpan<byte> message)
    {
        // nlmsghdr (16) + error (4) + the original request's nlmsghdr (16, capped with NLM_F_CAPPED)
        int offset = 16 + 4 + 16;
        while (offset + 4 <= message.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(message[offset..]);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(message[(offset + 2)..]);
            if (length < 4 || offset + length > message.Length) break;
            if (type == 1) return Encoding.ASCII.GetString(message.Slice(offset + 4, length - 4)).TrimEnd('\0');
            offset += (length + 3) & ~3;
        }
        return null;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > IfNameMax || name.Contains('/', StringComparison.Ordinal) || name.Any(char.IsWhiteSpace))
            throw new ArgumentException($"\"{name}\" is not a valid interface name: the kernel takes 1 to {IfNameMax} characters without '/' or spaces.", nameof(name));
    }

    private static string ErrnoName(int errno) => errno switch
    {
        1 => "EPERM (operation not permitted)",
        2 => "ENOENT (no such link)",
        16 => "EBUSY (resource busy)",
        17 => "EEXIST (it exists already)",
        19 => "ENODEV (no such device)",
        22 => "EINVAL (invalid argument)",
        95 => "EOPNOTSUPP (not supported)",
        _ => $"errno {errno}",
    };

    private static string Hint(int errno) => errno switch
    {
        17 => "; a link or address with this name exists already, choose another or delete it",
        1 => "; configuring network links needs CAP_NET_ADMIN",
        _ => "",
    };
}
