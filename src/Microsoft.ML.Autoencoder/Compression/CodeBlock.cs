using System;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>One checked block: its precision, its row count, whether another block follows, and its payload.</summary>
    internal sealed record CodeBlock(CodePrecision Precision, int RowCount, bool MoreBlocks, ArraySegment<byte> Payload);
}
