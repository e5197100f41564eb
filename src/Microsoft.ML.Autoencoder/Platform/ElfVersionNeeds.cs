using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace Microsoft.ML.Autoencoder.Platform
{
    /// <summary>
    /// Reads the symbol-version tables of a 64-bit little-endian ELF shared library: the versions it needs
    /// (<c>.gnu.version_r</c>, <c>Elf64_Verneed</c>/<c>Elf64_Vernaux</c>) and the versions it defines
    /// (<c>.gnu.version_d</c>, <c>Elf64_Verdef</c>/<c>Elf64_Verdaux</c>). Used by <see cref="TorchSharpNativeLoader"/>;
    /// the build-time fix (build/Microsoft.ML.Autoencoder.targets) carries the same walk in its inline MSBuild task,
    /// which cannot reference this assembly.
    /// </summary>
    /// <remarks>Every offset is checked against the file's length: a damaged file gives <see cref="InvalidDataException"/>.</remarks>
    internal static class ElfVersionNeeds
    {
        /// <summary><c>VER_FLG_WEAK</c>: the dynamic loader tolerates a missing version.</summary>
        public const ushort WeakFlag = 0x2;

        private const uint VersionNeedsSection = 0x6ffffffe; // SHT_GNU_verneed
        private const uint VersionDefinitionsSection = 0x6ffffffd; // SHT_GNU_verdef

        /// <summary>Finds the <c>vna_flags</c> of the needed version <paramref name="name"/>.</summary>
        /// <returns>False when the file needs no such version.</returns>
        public static bool TryFindFlags(byte[] elf, string name, out long flagsOffset, out ushort flags)
        {
            flagsOffset = -1;
            flags = 0;
            var sections = ReadSections(elf);
            foreach (var section in sections)
            {
                if (section.Type != VersionNeedsSection)
                    continue;
                long need = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    ushort count = U16(elf, need + 2);
                    long aux = need + U32(elf, need + 8);
                    for (uint j = 0; j < count; j++)
                    {
                        if (ReadString(elf, sections, section.Link, U32(elf, aux + 8)) == name)
                        {
                            flagsOffset = aux + 4;
                            flags = U16(elf, aux + 4);
                            return true;
                        }

                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0)
                            break;
                        aux += nextAux;
                    }

                    uint next = U32(elf, need + 12);
                    if (next == 0)
                        break;
                    need += next;
                }
            }

            return false;
        }

        /// <summary>Whether the library defines the version <paramref name="name"/> (as libstdc++ defines GLIBCXX_3.4.x).</summary>
        public static bool Defines(byte[] elf, string name)
        {
            var sections = ReadSections(elf);
            foreach (var section in sections)
            {
                if (section.Type != VersionDefinitionsSection)
                    continue;
                long definition = section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    ushort count = U16(elf, definition + 6);
                    long aux = definition + U32(elf, definition + 12);
                    for (uint j = 0; j < count; j++)
                    {
                        if (ReadString(elf, sections, section.Link, U32(elf, aux)) == name)
                            return true;
                        uint nextAux = U32(elf, aux + 4);
                        if (nextAux == 0)
                            break;
                        aux += nextAux;
                    }

                    uint next = U32(elf, definition + 16);
                    if (next == 0)
                        break;
                    definition += next;
                }
            }

            return false;
        }

        private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info);

        private static Section[] ReadSections(byte[] elf)
        {
            Check(elf, 0, 64);
            if (elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("Not a 64-bit little-endian ELF file.");
            long headers = U64(elf, 0x28);
            int headerSize = U16(elf, 0x3A);
            long count = U16(elf, 0x3C);
            if (headers == 0)
                return [];
            if (headerSize < 64)
                throw new InvalidDataException("Bad ELF section header size.");
            if (count == 0)
                count = U64(elf, headers + 32); // extended numbering: the count is section 0's sh_size
            if (count > elf.LongLength / headerSize)
                throw new InvalidDataException("Bad ELF section count.");
            var sections = new Section[count];
            for (long i = 0; i < count; i++)
            {
                long h = headers + i * headerSize;
                sections[i] = new Section(U32(elf, h + 4), U64(elf, h + 24), U64(elf, h + 32), U32(elf, h + 40), U32(elf, h + 44));
            }

            return sections;
        }

        private static string ReadString(byte[] elf, Section[] sections, uint table, uint offset)
        {
            if (table >= sections.Length)
                throw new InvalidDataException("Bad ELF string table index.");
            var strings = sections[table];
            if (offset >= strings.Size)
                throw new InvalidDataException("ELF string offset outside its table.");
            long start = strings.Offset + offset;
            long end = start;
            while (true)
            {
                Check(elf, end, 1);
                if (end >= strings.Offset + strings.Size)
                    throw new InvalidDataException("Unterminated ELF string.");
                if (elf[end] == 0)
                    break;
                end++;
            }

            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        private static ushort U16(byte[] elf, long offset)
        {
            Check(elf, offset, 2);
            return BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)offset));
        }

        private static uint U32(byte[] elf, long offset)
        {
            Check(elf, offset, 4);
            return BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)offset));
        }

        private static long U64(byte[] elf, long offset)
        {
            Check(elf, offset, 8);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)offset));
            return value <= long.MaxValue ? (long)value : throw new InvalidDataException("ELF offset out of range.");
        }

        private static void Check(byte[] elf, long offset, long length)
        {
            if (offset < 0 || length < 0 || offset > elf.LongLength - length)
                throw new InvalidDataException("ELF structure extends past the end of the file.");
        }
    }
}
