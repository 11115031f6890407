namespace Fjord.ControlPlane.Client.Users;

/// <summary>
/// What a create answered: <see cref="Created"/> is true when this call made the user (201, and
/// <see cref="UserModel.Password"/> holds its password, shown this once), false when the same user existed (200, no password).
/// </summary>
public sealed record CreatedUserModel(UserModel User, bool Created);
