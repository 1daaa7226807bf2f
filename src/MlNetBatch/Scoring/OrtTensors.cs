using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring;

/// <summary>Wraps slices of managed arrays as ONNX Runtime tensors without copying them.</summary>
internal static class OrtTensors
{
    private static readonly ConcurrentDictionary<Type, Func<Array, int, int, long[], OrtValue>> Factories = new();

    /// <summary>A tensor of <paramref name="shape"/> over <c>array[offset .. offset + length)</c>; the array is pinned while it lives.</summary>
    public static OrtValue Over(Array array, int offset, int length, long[] shape) =>
        Factories.GetOrAdd(array.GetType().GetElementType()!, CreateFactory)(array, offset, length, shape);

    private static Func<Array, int, int, long[], OrtValue> CreateFactory(Type elementType) =>
        (Func<Array, int, int, long[], OrtValue>)typeof(OrtTensors)
            .GetMethod(nameof(CreateTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(elementType)
            .CreateDelegate(typeof(Func<Array, int, int, long[], OrtValue>));

    private static OrtValue CreateTyped<T>(Array array, int offset, int length, long[] shape)
        where T : unmanaged =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<T>((T[])array, offset, length), shape);
}
