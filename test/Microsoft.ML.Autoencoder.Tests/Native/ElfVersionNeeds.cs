using System;
using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Autoencoder.Tests.Native;

/// <summary>
/// Minimal ELF64 little-endian reader for the symbol-versioning sections, used to check the result of the
/// AutoencoderNativeFix build step (build/Microsoft.ML.Autoencoder.targets) independently of its implementation.
/// </summary>
internal static class ElfVersionNeeds
{
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>VER_FLG_WEAK in <c>Elf64_Vernaux.vna_flags</c>.</summary>
    public const ushort VerFlgWeak = 0x2;

    /// <summary>Finds the <c>vna_flags</c> of the version need named <paramref name="versionName"/>.</summary>
    public static bool TryGetVersionNeedFlags(byte[] elf, string versionName, out ushort flags)
    {
        flags = 0;
        Section[] sections = ReadSections(elf);
        foreach (Section section in sections)
        {
            if (section.Type != ShtGnuVerneed)
            {
                continue;
            }

            // Elf64_Verneed { u16 vn_version, u16 vn_cnt, u32 vn_file, u32 vn_aux, u32 vn_next }
            // Elf64_Vernaux { u32 vna_hash, u16 vna_flags, u16 vna_other, u32 vna_name, u32 vna_next }
            int verneed = checked((int)section.Offset);
            for (uint i = 0; i < section.Info; i++)
            {
                int aux = checked(verneed + (int)U32(elf, verneed + 8));
                for (int j = 0; j < U16(elf, verneed + 2); j++)
                {
                    if (ReadString(elf, sections[section.Link], U32(elf, aux + 8)) == versionName)
                    {
                        flags = U16(elf, aux + 4);
                        return true;
                    }

                    aux = checked(aux + (int)U32(elf, aux + 12));
                }

                uint next = U32(elf, verneed + 12);
                if (next == 0)
                {
                    break;
                }

                verneed = checked(verneed + (int)next);
            }
        }

        return false;
    }

    /// <summary>Whether the library defines (provides) the symbol version <paramref name="versionName"/>.</summary>
    public static bool DefinesVersion(byte[] elf, string versionName)
    {
        Section[] sections = ReadSections(elf);
        foreach (Section section in sections)
        {
            if (section.Type != ShtGnuVerdef)
            {
                continue;
            }

            // Elf64_Verdef { u16 vd_version, u16 vd_flags, u16 vd_ndx, u16 vd_cnt, u32 vd_hash, u32 vd_aux, u32 vd_next }
            // Elf64_Verdaux { u32 vda_name, u32 vda_next }
            int verdef = checked((int)section.Offset);
            for (uint i = 0; i < section.Info; i++)
            {
                int aux = checked(verdef + (int)U32(elf, verdef + 12));
                for (int j = 0; j < U16(elf, verdef + 6); j++)
                {
                    if (ReadString(elf, sections[section.Link], U32(elf, aux)) == versionName)
                    {
                        return true;
                    }

                    aux = checked(aux + (int)U32(elf, aux + 4));
                }

                uint next = U32(elf, verdef + 16);
                if (next == 0)
                {
                    break;
                }

                verdef = checked(verdef + (int)next);
            }
        }

        return false;
    }

    private static Section[] ReadSections(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1)
        {
            throw new FormatException("Not an ELF64 little-endian file.");
        }

        int sectionHeaders = checked((int)U64(elf, 0x28));
        int entrySize = U16(elf, 0x3A);
        int count = U16(elf, 0x3C);
        var sections = new Section[count];
        for (int i = 0; i < count; i++)
        {
            int header = checked(sectionHeaders + (i * entrySize));
            sections[i] = new Section(
                Type: U32(elf, header + 4),
                Offset: U64(elf, header + 24),
                Link: U32(elf, header + 40),
                Info: U32(elf, header + 44));
        }

        return sections;
    }

    private static string ReadString(byte[] elf, Section table, uint offset)
    {
        int start = checked((int)table.Offset + (int)offset);
        int end = Array.IndexOf(elf, (byte)0, start);
        return Encoding.ASCII.GetString(elf, start, end - start);
    }

    private static ushort U16(byte[] elf, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(offset, 2));

    private static uint U32(byte[] elf, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(offset, 4));

    private static ulong U64(byte[] elf, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(offset, 8));

    private readonly record struct Section(uint Type, ulong Offset, uint Link, uint Info);
}
