using System.Text.Json.Nodes;

namespace ChatSupport.Dialogs;

/// <summary>A dialog on the stack: <c>{"id":…, "version":…, "state":{…}}</c>.</summary>
public sealed class DialogInstance
{
    internal DialogInstance(JsonObject node) => Node = node;

    internal JsonObject Node { get; }
    public string Id => Node["id"]!.GetValue<string>();
    public string? Version => Node["version"]?.GetValue<string>();
    /// <summary>The dialog's own state: JSON only, never live objects.</summary>
    public JsonObject State => Node["state"]!.AsObject();

    internal static DialogInstance Create(string id, string? version)
    {
        var node = new JsonObject { ["id"] = id, ["state"] = new JsonObject() };
        if (version is not null) node["version"] = version;
        return new DialogInstance(node);
    }
}

/// <summary>The dialog stack, top first, as a JSON array that is stored as it is.</summary>
public sealed class DialogState
{
    public DialogState() : this([]) { }

    public DialogState(JsonArray stack) => Stack = stack;

    public JsonArray Stack { get; }
    public int Count => Stack.Count;
    public DialogInstance? Top => Stack.Count == 0 ? null : new DialogInstance(Stack[0]!.AsObject());

    public IEnumerable<DialogInstance> Instances => Stack.Select(n => new DialogInstance(n!.AsObject()));

    internal void Push(DialogInstance instance) => Stack.Insert(0, instance.Node);

    internal DialogInstance Pop()
    {
        var top = Stack[0]!.AsObject();
        Stack.RemoveAt(0);
        return new DialogInstance(top);
    }
}
