using System;
using System.Collections.Generic;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// A deterministic source of any number of Fashion-MNIST-sized rows that reads like a file: row <c>i</c> is image
/// <c>(i x 7919) mod n</c> of a pool of real images kept as bytes, converted to floats in [0, 1] as it is read. It
/// reports its row count (as ML.NET's binary loader does) and cannot shuffle (as a text file cannot); nothing but the
/// pool is stored, so a 5-million-row source (15.7 GB as floats) takes 47 MB.
/// </summary>
internal sealed class GeneratedImages : IDataView
{
    private const long Stride = 7919;

    private static readonly float[] s_levels = CreateLevels();

    private readonly byte[] _pool;
    private readonly long _poolCount;
    private readonly long _rows;

    public GeneratedImages(byte[] pool, long rows)
    {
        _pool = pool;
        _poolCount = pool.Length / StreamingImages.Row.Size;
        _rows = rows;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, StreamingImages.Row.Size));
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => new[] { GetRowCursor(columnsNeeded, rand) };

    private static float[] CreateLevels()
    {
        var levels = new float[256];
        for (int i = 0; i < levels.Length; i++)
            levels[i] = i / 255f;
        return levels;
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly GeneratedImages _source;
        private long _position = -1;

        public Cursor(GeneratedImages source) => _source = source;

        public override DataViewSchema Schema => _source.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext() => ++_position < _source._rows;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                const int size = StreamingImages.Row.Size;
                var editor = VBufferEditor.Create(ref value, size);
                var pixels = _source._pool.AsSpan((int)(_position * Stride % _source._poolCount) * size, size);
                var levels = s_levels;
                var values = editor.Values;
                for (int j = 0; j < size; j++)
                    values[j] = levels[pixels[j]];
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }
    }
}
