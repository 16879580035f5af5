using System.Runtime.InteropServices;
using System.Text;
using MiniDocker.Interop;

namespace MiniDocker.Cgroups;

/// <summary>
/// cgroup v2's device access list: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to
/// the container's cgroup. The kernel runs it on every open and mknod of a device node and lets the
/// access through only when it returns 1. The program checks the rules from last to first, so a
/// later rule overrides an earlier one, and denies what no rule matches.
/// </summary>
internal static unsafe class DeviceProgram
{
    private const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8;
    private const uint BPF_PROG_TYPE_CGROUP_DEVICE = 15, BPF_CGROUP_DEVICE = 6, BPF_F_ALLOW_MULTI = 2;
    private const uint DevBlock = 1, DevChar = 2, AccMknod = 1, AccRead = 2, AccWrite = 4;

    /// <summary>The eBPF instructions (struct bpf_insn) for the rules.</summary>
    public static ulong[] Compile(IReadOnlyList<DeviceRule> rules)
    {
        var code = new List<ulong>
        {
            Insn(0x61, 2, 1, 0, 0),  // r2 = ctx->access_type
            Insn(0x57, 2, 0, 0, 0xFFFF), // r2 &= 0xffff        (device type)
            Insn(0x61, 3, 1, 0, 0),  // r3 = ctx->access_type
            Insn(0x77, 3, 0, 0, 16), // r3 >>= 16           (requested access)
            Insn(0x61, 4, 1, 4, 0),  // r4 = ctx->major
            Insn(0x61, 5, 1, 8, 0),  // r5 = ctx->minor
        };
        foreach (var rule in rules.Reverse())
        {
            var block = new List<ulong>();
            if (rule.Type != 'a')
                block.Add(Insn(0x55, 2, 0, 0, (int)(rule.Type == 'b' ? DevBlock : DevChar))); // if r2 != type goto next
            uint access = (rule.Access.Contains('m') ? AccMknod : 0) | (rule.Access.Contains('r') ? AccRead : 0) | (rule.Access.Contains('w') ? AccWrite : 0);
            if (rule.Type == 'a') access = AccMknod | AccRead | AccWrite;
            block.Add(Insn(0xbf, 1, 3, 0, 0));                 // r1 = r3
            block.Add(Insn(0x57, 1, 0, 0, (int)~access & 7));  // r1 &= ~access
            block.Add(Insn(0x55, 1, 0, 0, 0));                 // if r1 != 0 goto next (asks for more than allowed)
            if (rule.Major is { } major) block.Add(Insn(0x55, 4, 0, 0, (int)major));
            if (rule.Minor is { } minor) block.Add(Insn(0x55, 5, 0, 0, (int)minor));
            block.Add(Insn(0xb7, 0, 0, 0, rule.Allow ? 1 : 0)); // r0 = verdict
            block.Add(Insn(0x95, 0, 0, 0, 0));                  // exit
            // Patch every "goto next" to skip the rest of the block.
            for (int i = 0; i < block.Count; i++)
            {
                if ((block[i] & 0xff) == 0x55)
                    block[i] = (block[i] & ~(0xFFFFUL << 16)) | ((ulong)(ushort)(block.Count - i - 1) << 16);
            }
            code.AddRange(block);
        }
        code.Add(Insn(0xb7, 0, 0, 0, 0)); // r0 = 0: deny what no rule allows
        code.Add(Insn(0x95, 0, 0, 0, 0));
        return [.. code];
    }

    /// <summary>Loads the program and attaches it to a cgroup v2 directory.</summary>
    public static void Attach(string cgroupDirectory, IReadOnlyList<DeviceRule> rules)
    {
        var program = Compile(rules);
        long bpf = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 280 : 321;
        int progFd = Load(bpf, program, null);
        if (progFd < 0)
        {
            int errno = Errno.Last;
            // Only on failure: load again with the verifier's log, to say why.
            var log = new byte[1 << 16];
            _ = Load(bpf, program, log);
            var verifier = Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
            throw new CgroupException($"Loading the device access program for {cgroupDirectory} failed: {Errno.Describe(errno)}. {verifier}", errno);
        }
        using var loaded = new SafeFd(progFd);
        using var cgroup = OpenDirectory(cgroupDirectory);
        var attr = stackalloc byte[128];
        new Span<byte>(attr, 128).Clear();
        *(uint*)(attr + 0) = (uint)cgroup.Fd;
        *(uint*)(attr + 4) = (uint)progFd;
        *(uint*)(attr + 8) = BPF_CGROUP_DEVICE;
        *(uint*)(attr + 12) = BPF_F_ALLOW_MULTI;
        if (Libc.Syscall6(bpf, BPF_PROG_ATTACH, (nint)attr, 128, 0, 0) < 0)
            throw new CgroupException($"Attaching the device access program to {cgroupDirectory} failed: {Errno.Describe(Errno.Last)}.", Errno.Last);
    }

    private static int Load(long bpf, ulong[] program, byte[]? log)
    {
        var license = "Apache-2.0\0"u8;
        var attr = stackalloc byte[128];
        new Span<byte>(attr, 128).Clear();
        fixed (ulong* insns = program)
        fixed (byte* lic = license, logBuffer = log)
        {
            *(uint*)(attr + 0) = BPF_PROG_TYPE_CGROUP_DEVICE;
            *(uint*)(attr + 4) = (uint)program.Length;
            *(ulong*)(attr + 8) = (ulong)insns;
            *(ulong*)(attr + 16) = (ulong)lic;
            if (log is not null)
            {
                *(uint*)(attr + 24) = 1; // log_level
                *(uint*)(attr + 28) = (uint)log.Length;
                *(ulong*)(attr + 32) = (ulong)logBuffer;
            }
            return (int)Libc.Syscall6(bpf, BPF_PROG_LOAD, (nint)attr, 128, 0, 0);
        }
    }

    private static SafeFd OpenDirectory(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
            return SafeFd.FromResult(Libc.Open(p, Tmds.Linux.LibC.O_RDONLY | Tmds.Linux.LibC.O_DIRECTORY | Tmds.Linux.LibC.O_CLOEXEC, 0), $"open(\"{path}\")");
    }

    private static ulong Insn(byte code, byte dst, byte src, short offset, int imm) =>
        code | ((ulong)(dst & 0xf) << 8) | ((ulong)(src & 0xf) << 12) | ((ulong)(ushort)offset << 16) | ((ulong)(uint)imm << 32);

}
