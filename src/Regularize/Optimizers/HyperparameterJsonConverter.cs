using System.Text.Json;
using System.Text.Json.Serialization;

namespace Regularize.Optimizers;

/// <summary>Writes a <see cref="Hyperparameter"/> as its name and reads it back by <see cref="Hyperparameter.TryFind"/>.</summary>
internal sealed class HyperparameterJsonConverter : JsonConverter<Hyperparameter>
{
    public override Hyperparameter Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string name = reader.GetString() ?? throw new JsonException("A hyperparameter is written as its name, not null.");
        return Hyperparameter.TryFind(name, out var h) ? h : throw new JsonException($"No hyperparameter is named '{name}'.");
    }

    public override void Write(Utf8JsonWriter writer, Hyperparameter value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
