using System.Runtime.InteropServices;

namespace MiniDocker.Security.Seccomp;

/// <summary>One classic BPF instruction (struct sock_filter).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BpfInstruction(ushort Code, byte JumpTrue, byte JumpFalse, uint K)
{
    internal const ushort LdAbsW = 0x20;   // BPF_LD | BPF_W | BPF_ABS
    internal const ushort AndK = 0x54;     // BPF_ALU | BPF_AND | BPF_K
    internal const ushort Ja = 0x05;       // BPF_JMP | BPF_JA
    internal const ushort JeqK = 0x15;     // BPF_JMP | BPF_JEQ | BPF_K
    internal const ushort JgtK = 0x25;     // BPF_JMP | BPF_JGT | BPF_K
    internal const ushort JgeK = 0x35;     // BPF_JMP | BPF_JGE | BPF_K
    internal const ushort RetK = 0x06;     // BPF_RET | BPF_K

    /// <inheritdoc />
    public override string ToString() => Code switch
    {
        LdAbsW => $"ld [{K}]",
        AndK => $"and #0x{K:x}",
        Ja => $"ja +{K}",
        JeqK => $"jeq #0x{K:x}, +{JumpTrue}, +{JumpFalse}",
        JgtK => $"jgt #0x{K:x}, +{JumpTrue}, +{JumpFalse}",
        JgeK => $"jge #0x{K:x}, +{JumpTrue}, +{JumpFalse}",
        RetK => $"ret #0x{K:x}",
        _ => $"0x{Code:x4} {JumpTrue} {JumpFalse} 0x{K:x}",
    };
}
