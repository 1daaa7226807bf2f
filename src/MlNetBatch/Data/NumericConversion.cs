using System.Numerics;
using System.Reflection;

namespace MlNetBatch.Data;

/// <summary>
/// Converts between the numeric types a file may store and the ones a schema asks for, with one compiled delegate
/// per pair of types, so a converted column costs no allocation per value.
/// </summary>
internal static class NumericConversion
{
    /// <summary>Converts one value; throws <see cref="OverflowException"/> when it does not fit, <see cref="InvalidCastException"/> when the types do not convert.</summary>
    public static TTo Convert<TFrom, TTo>(TFrom value) => Converter<TFrom, TTo>.Convert(value);

    private static class Converter<TFrom, TTo>
    {
        public static readonly Func<TFrom, TTo> Convert = Create();

        private static Func<TFrom, TTo> Create()
        {
            if (typeof(TFrom) == typeof(TTo))
            {
                return (Func<TFrom, TTo>)(object)(Func<TFrom, TFrom>)(value => value);
            }

            var numbers = typeof(INumberBase<>);
            if (typeof(TFrom) == typeof(bool) && IsNumber(typeof(TTo)))
            {
                return typeof(NumericConversion).GetMethod(nameof(FromBoolean), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(typeof(TTo)).CreateDelegate<Func<TFrom, TTo>>();
            }

            var convertible = IsNumber(typeof(TFrom)) && (IsNumber(typeof(TTo)) || typeof(TTo) == typeof(bool));
            if (!convertible)
            {
                return _ => throw new InvalidCastException($"{typeof(TFrom).Name} does not convert to {typeof(TTo).Name}.");
            }

            var method = typeof(TTo) == typeof(bool)
                ? typeof(NumericConversion).GetMethod(nameof(ToBoolean), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(typeof(TFrom))
                : typeof(NumericConversion).GetMethod(nameof(ToNumber), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(typeof(TFrom), typeof(TTo));
            return method.CreateDelegate<Func<TFrom, TTo>>();

            bool IsNumber(Type type) => type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == numbers);
        }
    }

    private static TTo ToNumber<TFrom, TTo>(TFrom value)
        where TFrom : INumberBase<TFrom>
        where TTo : INumberBase<TTo> => TTo.CreateChecked(value);

    private static TTo FromBoolean<TTo>(bool value)
        where TTo : INumberBase<TTo> => value ? TTo.One : TTo.Zero;

    private static bool ToBoolean<TFrom>(TFrom value)
        where TFrom : INumberBase<TFrom> => !TFrom.IsZero(value);
}
