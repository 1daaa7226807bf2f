using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring;

/// <summary>Copies one column of the current input row into its slot of a model input tensor.</summary>
internal abstract class InputPacker
{
    /// <summary>Points the packer at the tensor of the batch being filled.</summary>
    public abstract void SetTarget(Array tensor);

    /// <summary>Copies the current row's value into row <paramref name="row"/> of the tensor.</summary>
    public abstract void Pack(int row);

    /// <summary>Copies <paramref name="count"/> rows of the packer's column from a block into the tensor, from row <paramref name="row"/> on.</summary>
    public abstract void PackBlock(RecordBatch block, int start, int row, int count);

    /// <summary>
    /// Packers for every column that feeds <paramref name="spec"/>, each writing its values at its offset
    /// within the row, so several columns fill one tensor row side by side.
    /// </summary>
    public static InputPacker[] Create(DataViewRow row, OnnxTensorSpec spec)
    {
        var packers = new List<InputPacker>();
        var offset = 0;
        for (var i = 0; i < spec.SourceColumns.Count;)
        {
            var column = row.Schema[spec.SourceColumns[i]];
            if (FloatRun(row, spec, i) >= FloatColumnGroupPacker.Width)
            {
                // Eight float columns side by side: packed together, a tensor row at a time.
                var group = spec.SourceColumns.Skip(i).Take(FloatColumnGroupPacker.Width).Select(name => row.Schema[name]).ToArray();
                packers.Add(new FloatColumnGroupPacker(row, group, spec.RowSize, offset));
                offset += FloatColumnGroupPacker.Width;
                i += FloatColumnGroupPacker.Width;
                continue;
            }

            var size = column.Type is VectorDataViewType vector ? vector.Size : 1;
            packers.Add(column.Type is VectorDataViewType
                ? GenericActivator.Create<InputPacker>(typeof(VectorInputPacker<>), spec.ItemType.RawType, row, column, spec.RowSize, offset, size)
                : GenericActivator.Create<InputPacker>(typeof(ScalarInputPacker<>), spec.ItemType.RawType, row, column, spec.RowSize, offset));
            offset += size;
            i++;
        }

        return [.. packers];
    }

    /// <summary>How many scalar float columns feeding a float tensor follow one another from source column <paramref name="from"/> on.</summary>
    private static int FloatRun(DataViewRow row, OnnxTensorSpec spec, int from)
    {
        if (spec.ItemType.RawType != typeof(float))
        {
            return 0;
        }

        var run = 0;
        while (from + run < spec.SourceColumns.Count && row.Schema[spec.SourceColumns[from + run]].Type == NumberDataViewType.Single)
        {
            run++;
        }

        return run;
    }

    private sealed class ScalarInputPacker<T>(DataViewRow row, DataViewSchema.Column column, int rowSize, int offset) : InputPacker
    {
        private readonly ValueGetter<T> _getter = row.GetGetter<T>(column);
        private T[] _tensor = [];

        public override void SetTarget(Array tensor) => _tensor = (T[])tensor;

        public override void Pack(int row) => _getter(ref _tensor[(row * rowSize) + offset]);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void PackBlock(RecordBatch block, int start, int row, int count)
        {
            if (count == 0)
            {
                return;
            }

            var values = block.Column<ScalarColumnBuffer<T>>(column.Index).Values.AsSpan(start, count);
            // Checked once here, so the scatter below needs no check per value.
            var tensor = _tensor.AsSpan((row * rowSize) + offset, ((count - 1) * rowSize) + 1);
            ref var source = ref MemoryMarshal.GetReference(values);
            ref var target = ref MemoryMarshal.GetReference(tensor);
            // A strided scatter: this column becomes one position of every tensor row.
            for (var i = 0; i < count; i++)
            {
                Unsafe.Add(ref target, i * rowSize) = Unsafe.Add(ref source, i);
            }
        }
    }

    private sealed class VectorInputPacker<T>(DataViewRow row, DataViewSchema.Column column, int rowSize, int offset, int size) : InputPacker
    {
        private readonly ValueGetter<VBuffer<T>> _getter = row.GetGetter<VBuffer<T>>(column);
        private VBuffer<T> _scratch;
        private T[] _tensor = [];

        public override void SetTarget(Array tensor) => _tensor = (T[])tensor;

        public override void Pack(int row)
        {
            _getter(ref _scratch);
            // CopyTo densifies sparse vectors, which is what a tensor needs.
            _scratch.CopyTo(_tensor.AsSpan((row * rowSize) + offset, size));
        }

        public override void PackBlock(RecordBatch block, int start, int row, int count)
        {
            var values = block.Column<VectorColumnBuffer<T>>(column.Index).Values;
            if (size == rowSize)
            {
                Array.Copy(values, start * size, _tensor, row * rowSize, count * size);
                return;
            }

            for (var i = 0; i < count; i++)
            {
                Array.Copy(values, (start + i) * size, _tensor, ((row + i) * rowSize) + offset, size);
            }
        }
    }
}
