using System.Buffers.Binary;
using MiniDocker.Networking.Netlink;

namespace MiniDocker.Tests.Networking;

public sealed class NetlinkMessageTests
{
    [Fact]
    public void A_veth_request_nests_the_peer_inside_linkinfo_with_4_byte_alignment()
    {
        var bytes = new NetlinkMessage(NetlinkMessage.RTM_NEWLINK, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
            .LinkHeader()
            .Attribute(3, "a")
            .BeginNested(18).Attribute(1, "veth").BeginNested(2).BeginNested(1).LinkHeader().Attribute(3, "b").EndNested().EndNested().EndNested()
            .ToArray(7);

        Assert.Equal(bytes.Length, BinaryPrimitives.ReadInt32LittleEndian(bytes));
        Assert.Equal(0, bytes.Length % 4);
        Assert.Equal(NetlinkMessage.RTM_NEWLINK, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(1 | 4 | 0x400 | 0x200, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        // IFLA_IFNAME "a\0" right after nlmsghdr (16) and ifinfomsg (16): length 6, padded to 8.
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(32)));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(34)));
        // IFLA_LINKINFO spans to the end of the message.
        Assert.Equal(18, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(42)));
        Assert.Equal(bytes.Length - 40, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(40)));
    }
}
