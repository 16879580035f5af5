using System.Runtime.InteropServices;
using MiniDocker.Networking.Interop;

namespace MiniDocker.Networking.Firewall;

/// <summary>Runs nftables commands through libnftables, in this process, with the library's own error text.</summary>
public static class Nftables
{
    /// <summary>
    /// Creates an ip table with <paramref name="chains"/> (nft syntax), replacing one of that name
    /// in the same transaction: declaring it first makes the delete valid when there is none.
    /// </summary>
    public static void ReplaceTable(string table, string chains) =>
        Run($"table ip {table}\ndelete table ip {table}\ntable ip {table} {{\n{chains}}}\n");

    /// <summary>Removes an ip table, if there is one.</summary>
    public static void DeleteTable(string table) => Run($"table ip {table}\ndelete table ip {table}\n");

    /// <summary>Runs commands in nft's syntax as one transaction; returns what nft would print.</summary>
    /// <exception cref="FirewallException">libnftables is missing or refused the commands.</exception>
    public static string Run(string commands)
    {
        nint context;
        try
        {
            context = NftablesNative.ContextNew(0);
        }
        catch (DllNotFoundException e)
        {
            throw new FirewallException("libnftables.so.1 is not installed; networks need it for outbound NAT and isolation (apt-get install libnftables1).", e);
        }
        if (context == 0) throw new FirewallException("nft_ctx_new failed.");
        try
        {
            _ = NftablesNative.BufferOutput(context);
            _ = NftablesNative.BufferError(context);
            int result = NftablesNative.RunCommand(context, commands);
            if (result != 0)
            {
                var error = Marshal.PtrToStringUTF8(NftablesNative.GetErrorBuffer(context))?.Trim();
                throw new FirewallException($"nftables refused the rules: {error}");
            }
            return Marshal.PtrToStringUTF8(NftablesNative.GetOutputBuffer(context)) ?? "";
        }
        finally
        {
            NftablesNative.ContextFree(context);
        }
    }
}
