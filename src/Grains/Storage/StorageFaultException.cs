namespace OrleansSafety.Grains.Storage;

/// <summary>A storage implementation could not make something durable. Base of the stores' own failures.</summary>
public class StorageFaultException : Exception
{
    public StorageFaultException()
    {
    }

    public StorageFaultException(string message) : base(message)
    {
    }

    public StorageFaultException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
