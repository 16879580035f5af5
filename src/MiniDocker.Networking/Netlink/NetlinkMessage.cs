using System.Buffers.Binary;
using System.Text;

namespace MiniDocker.Networking.Netlink;

/// <summary>
/// Builds one rtnetlink request: the nlmsghdr, a family header (ifinfomsg, ifaddrmsg, rtmsg)
/// and attributes, nested where asked, each aligned to 4 bytes as the kernel requires.
/// </summary>
internal sealed class NetlinkMessage
{
    public const ushort NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    public const ushort RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_NEWROUTE = 24;

    private readonly List<byte> _bytes = [];
    private readonly Stack<int> _nests = new();

    public NetlinkMessage(ushort type, ushort flags)
    {
        // struct nlmsghdr { len, type, flags, seq, pid }: len and seq are filled in by ToArray.
        var header = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), (ushort)(flags | NLM_F_REQUEST | NLM_F_ACK));
        Append(header);
    }

    /// <summary>struct ifinfomsg { family, pad, type, index, flags, change }.</summary>
    public NetlinkMessage LinkHeader(int index = 0, uint flags = 0, uint change = 0)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), change);
        Append(header);
        return this;
    }

    /// <summary>struct ifaddrmsg { family, prefixlen, flags, scope, index }.</summary>
    public NetlinkMessage AddressHeader(byte family, byte prefixLength, int index)
    {
        var header = new byte[8];
        header[0] = family;
        header[1] = prefixLength;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        Append(header);
        return this;
    }

    /// <summary>struct ndmsg { family, pad, pad, ifindex, state, flags, type }.</summary>
    public NetlinkMessage NeighbourHeader(byte family, int index)
    {
        var header = new byte[12];
        header[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        Append(header);
        return this;
    }

    /// <summary>struct rtmsg { family, dst_len, src_len, tos, table, protocol, scope, type, flags }.</summary>
    public NetlinkMessage RouteHeader(byte family, byte destinationLength)
    {
        var header = new byte[12];
        header[0] = family;
        header[1] = destinationLength;
        header[4] = 254; // RT_TABLE_MAIN
        header[5] = 3;   // RTPROT_BOOT
        header[6] = 0;   // RT_SCOPE_UNIVERSE
        header[7] = 1;   // RTN_UNICAST
        Append(header);
        return this;
    }

    public NetlinkMessage Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), type);
        Append(header);
        Append(value.ToArray());
        Pad();
        return this;
    }

    public NetlinkMessage Attribute(ushort type, string value) => Attribute(type, Encoding.ASCII.GetBytes(value + "\0"));

    public NetlinkMessage Attribute(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Attribute(type, bytes);
    }

    public NetlinkMessage BeginNested(ushort type)
    {
        _nests.Push(_bytes.Count);
        return Attribute(type, []);
    }

    public NetlinkMessage EndNested()
    {
        int start = _nests.Pop();
        var length = (ushort)(_bytes.Count - start);
        _bytes[start] = (byte)length;
        _bytes[start + 1] = (byte)(length >> 8);
        return this;
    }

    public byte[] ToArray(uint sequence)
    {
        var bytes = _bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
        return bytes;
    }

    private void Append(byte[] bytes) => _bytes.AddRange(bytes);

    private void Pad()
    {
        while (_bytes.Count % 4 != 0) _bytes.Add(0);
    }
}
