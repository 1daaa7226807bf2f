using System.Numerics;

namespace MlNetBatch.Data;

/// <summary>Converts between the numeric types a file may store and the ones a schema asks for.</summary>
internal static class NumericConversion
{
    /// <summary>Converts one value; throws <see cref="OverflowException"/> when it does not fit, <see cref="InvalidCastException"/> when the types do not convert.</summary>
    public static TTo Convert<TFrom, TTo>(TFrom value)
    {
        if (value is TTo same)
        {
            return same;
        }

        return Dispatch<TTo>.From(value);
    }

    private static class Dispatch<TTo>
    {
        public static TTo From<TFrom>(TFrom value)
        {
            object boxedTarget = typeof(TTo) switch
            {
                var t when t == typeof(float) => ToNumber<float>(value),
                var t when t == typeof(double) => ToNumber<double>(value),
                var t when t == typeof(int) => ToNumber<int>(value),
                var t when t == typeof(long) => ToNumber<long>(value),
                var t when t == typeof(bool) && value is IConvertible => System.Convert.ToBoolean(value, System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new InvalidCastException($"{typeof(TFrom).Name} does not convert to {typeof(TTo).Name}."),
            };
            return (TTo)boxedTarget;
        }

        private static object ToNumber<TNumber>(object? value)
            where TNumber : INumberBase<TNumber> => value switch
            {
                float f => TNumber.CreateChecked(f),
                double d => TNumber.CreateChecked(d),
                decimal m => TNumber.CreateChecked(m),
                int i => TNumber.CreateChecked(i),
                long l => TNumber.CreateChecked(l),
                short s => TNumber.CreateChecked(s),
                byte b => TNumber.CreateChecked(b),
                sbyte sb => TNumber.CreateChecked(sb),
                ushort us => TNumber.CreateChecked(us),
                uint ui => TNumber.CreateChecked(ui),
                ulong ul => TNumber.CreateChecked(ul),
                bool flag => flag ? TNumber.One : TNumber.Zero,
                _ => throw new InvalidCastException($"{value?.GetType().Name ?? "null"} does not convert to {typeof(TNumber).Name}."),
            };
    }
}
