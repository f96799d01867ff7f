package org.openprofiles.model;

/**
 * An error the API reports to its caller. The type names and statuses are the modelled errors of
 * the Customer Profiles API; the handlers turn this into the restJson1 error wire format.
 */
public final class ServiceException extends RuntimeException {

    public enum Type {
        BadRequestException(400),
        AccessDeniedException(403),
        ResourceNotFoundException(404),
        ThrottlingException(429),
        InternalServerException(500);

        public final int status;

        Type(int status) { this.status = status; }
    }

    private final Type type;

    public ServiceException(Type type, String message) {
        this(type, message, null);
    }

    public ServiceException(Type type, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
    }

    public Type type() { return type; }

    public static ServiceException badRequest(String message) {
        return new ServiceException(Type.BadRequestException, message);
    }

    public static ServiceException notFound(String message) {
        return new ServiceException(Type.ResourceNotFoundException, message);
    }

    public static ServiceException profileNotFound(String domain, String profileId) {
        return notFound("Profile '" + profileId + "' does not exist in domain '" + domain + "'");
    }
}
