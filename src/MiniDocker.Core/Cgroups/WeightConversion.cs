namespace MiniDocker.Cgroups;

/// <summary>The v1 ↔ v2 weight conversions the OCI runtimes (runc, crun) use, so the same limit means the same on both.</summary>
public static class WeightConversion
{
    /// <summary>cpu.shares (2–262144) to cpu.weight (1–10000): 1024 shares, the default, is weight 39.</summary>
    public static ulong CpuSharesToWeight(ulong shares) => shares == 0 ? 0 : 1 + ((shares - 2) * 9999 / 262142);

    /// <summary>cpu.weight (1–10000) to cpu.shares (2–262144).</summary>
    public static ulong CpuWeightToShares(ulong weight) => weight == 0 ? 0 : 2 + ((weight - 1) * 262142 / 9999);

    /// <summary>blkio.weight (10–1000) to io.weight (1–10000).</summary>
    public static ulong BlockIoWeightToIoWeight(ulong weight) => weight == 0 ? 0 : 1 + ((weight - 10) * 9999 / 990);
}
