using System.Net;
using MiniDocker.Networking.Netlink;

namespace MiniDocker.Networking.Links;

/// <summary>A Linux bridge: a virtual switch whose ports are other links, usable on its own.</summary>
public sealed class Bridge : IDisposable
{
    private Bridge(string name) => Name = name;

    /// <summary>The bridge's interface name.</summary>
    public string Name { get; }

    /// <summary>Creates a bridge, optionally with an address (its subnet's gateway), and brings it up.</summary>
    public static Bridge Create(string name, IPAddress? address = null, int prefixLength = 24)
    {
        using var socket = RouteSocket.Open();
        socket.CreateBridge(name);
        try
        {
            if (address is not null) socket.AddAddress(name, address, prefixLength);
            socket.SetUp(name);
        }
        catch
        {
            socket.DeleteLink(name);
            throw;
        }
        return new Bridge(name);
    }

    /// <summary>Makes a link a port of this bridge and brings it up.</summary>
    public void Attach(string link)
    {
        using var socket = RouteSocket.Open();
        socket.SetMaster(link, Name);
        socket.SetUp(link);
    }

    /// <summary>Deletes the bridge.</summary>
    public void Dispose()
    {
        using var socket = RouteSocket.Open();
        if (socket.LinkExists(Name)) socket.DeleteLink(Name);
    }
}
