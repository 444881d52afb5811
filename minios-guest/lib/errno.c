/* errno.c: the errno variable and strerror(). */
#include <errno.h>
#include <string.h>

int errno;

static const struct {
    int err;
    const char *msg;
} messages[] = {
    {0, "Success"},
    {EPERM, "Operation not permitted"},
    {ENOENT, "No such file or directory"},
    {ESRCH, "No such process"},
    {EINTR, "Interrupted system call"},
    {EIO, "Input/output error"},
    {ENXIO, "No such device or address"},
    {E2BIG, "Argument list too long"},
    {ENOEXEC, "Exec format error"},
    {EBADF, "Bad file descriptor"},
    {ECHILD, "No child processes"},
    {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Cannot allocate memory"},
    {EACCES, "Permission denied"},
    {EFAULT, "Bad address"},
    {EBUSY, "Device or resource busy"},
    {EEXIST, "File exists"},
    {ENODEV, "No such device"},
    {ENOTDIR, "Not a directory"},
    {EISDIR, "Is a directory"},
    {EINVAL, "Invalid argument"},
    {ENOSPC, "No space left on device"},
    {EROFS, "Read-only file system"},
    {ERANGE, "Numerical result out of range"},
    {ENOSYS, "Function not implemented"},
    {ENOTEMPTY, "Directory not empty"},
    {EPROTO, "Protocol error"},
    {EBADMSG, "Bad message"},
    {EOVERFLOW, "Value too large for defined data type"},
    {EMSGSIZE, "Message too long"},
    {EOPNOTSUPP, "Operation not supported"},
    {EISCONN, "Transport endpoint is already connected"},
    {ENOTCONN, "Transport endpoint is not connected"},
    {ETIMEDOUT, "Connection timed out"},
    {EADDRINUSE, "Address already in use"},
    {ECONNRESET, "Connection reset by peer"},
    {ECONNREFUSED, "Connection refused"},
    {EHOSTUNREACH, "No route to host"},
    {EALREADY, "Operation already in progress"},
    {EQUOTA, "Disk quota exceeded"},
    {EMLINK, "Too many links"},
    {EFBIG, "File too large"},
    {ELOOP, "Too many levels of symbolic links"},
    {ENAMETOOLONG, "File name too long"},
    {EMFILE, "Too many open files"},
    {EXDEV, "Invalid cross-device link"},
};

const char *strerror(int err)
{
    if (err < 0)
        err = -err;
    for (unsigned int i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
        if (messages[i].err == err)
            return messages[i].msg;
    return "Unknown error";
}
