using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Scoring;

/// <summary>Copies one column of the current input row into its slot of a model input tensor.</summary>
internal abstract class InputPacker
{
    /// <summary>Points the packer at the tensor of the batch being filled.</summary>
    public abstract void SetTarget(Array tensor);

    /// <summary>Copies the current row's value into row <paramref name="row"/> of the tensor.</summary>
    public abstract void Pack(int row);

    public static InputPacker Create(DataViewRow row, DataViewSchema.Column column, OnnxTensorSpec spec)
    {
        var packerType = column.Type is VectorDataViewType
            ? typeof(VectorInputPacker<>).MakeGenericType(spec.ItemType.RawType)
            : typeof(ScalarInputPacker<>).MakeGenericType(spec.ItemType.RawType);
        return (InputPacker)Activator.CreateInstance(packerType, row, column, spec.RowSize)!;
    }

    private sealed class ScalarInputPacker<T>(DataViewRow row, DataViewSchema.Column column, int rowSize) : InputPacker
    {
        private readonly ValueGetter<T> _getter = row.GetGetter<T>(column);
        private T[] _tensor = [];

        public override void SetTarget(Array tensor) => _tensor = (T[])tensor;

        public override void Pack(int row) => _getter(ref _tensor[row * rowSize]);
    }

    private sealed class VectorInputPacker<T>(DataViewRow row, DataViewSchema.Column column, int rowSize) : InputPacker
    {
        private readonly ValueGetter<VBuffer<T>> _getter = row.GetGetter<VBuffer<T>>(column);
        private VBuffer<T> _scratch;
        private T[] _tensor = [];

        public override void SetTarget(Array tensor) => _tensor = (T[])tensor;

        public override void Pack(int row)
        {
            _getter(ref _scratch);
            // CopyTo densifies sparse vectors, which is what a tensor needs.
            _scratch.CopyTo(_tensor.AsSpan(row * rowSize, rowSize));
        }
    }
}
