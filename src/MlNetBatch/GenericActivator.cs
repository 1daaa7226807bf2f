using System.Collections.Concurrent;
using System.Reflection;

namespace MlNetBatch;

/// <summary>
/// Creates instances of closed generic types chosen at run time. Constructors are looked up once per type and
/// kept, because every fresh lookup makes the runtime emit and compile a new invoke stub.
/// </summary>
internal static class GenericActivator
{
    private static readonly ConcurrentDictionary<Type, ConstructorInfo> Constructors = new();

    public static T Create<T>(Type openGeneric, Type argument, params object[] constructorArguments)
    {
        var type = openGeneric.MakeGenericType(argument);
        var constructor = Constructors.GetOrAdd(type, static t =>
            t.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Single());
        return (T)constructor.Invoke(constructorArguments);
    }
}
