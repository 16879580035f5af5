namespace MiniDocker.Security.Seccomp;

/// <summary>Runs a seccomp BPF program on a seccomp_data as the kernel does (the instructions the compiler emits).</summary>
internal static class BpfInterpreter
{
    public static SeccompVerdict Run(BpfInstruction[] program, uint arch, int syscall, ulong[] arguments)
    {
        // struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6];
        Span<byte> data = stackalloc byte[64];
        BitConverter.TryWriteBytes(data, syscall);
        BitConverter.TryWriteBytes(data[4..], arch);
        for (int i = 0; i < Math.Min(arguments.Length, 6); i++) BitConverter.TryWriteBytes(data[(16 + 8 * i)..], arguments[i]);

        uint a = 0;
        int executed = 0;
        for (int pc = 0; pc < program.Length; pc++)
        {
            executed++;
            var ins = program[pc];
            switch (ins.Code)
            {
                case BpfInstruction.LdAbsW: a = BitConverter.ToUInt32(data[(int)ins.K..]); break;
                case BpfInstruction.AndK: a &= ins.K; break;
                case BpfInstruction.Ja: pc += (int)ins.K; break;
                case BpfInstruction.JeqK: pc += a == ins.K ? ins.JumpTrue : ins.JumpFalse; break;
                case BpfInstruction.JgtK: pc += a > ins.K ? ins.JumpTrue : ins.JumpFalse; break;
                case BpfInstruction.JgeK: pc += a >= ins.K ? ins.JumpTrue : ins.JumpFalse; break;
                case BpfInstruction.RetK: return SeccompVerdict.Decode(ins.K, executed);
                default: throw new InvalidOperationException($"Instruction {ins} at {pc} is not one the seccomp compiler emits.");
            }
        }
        throw new InvalidOperationException("The program ended without a return.");
    }
}
