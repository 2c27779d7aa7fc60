// The Linux event-loop calls NeMoGym's SocketChannel uses: headers only, no compiled code.
#include <sys/epoll.h>
#include <sys/eventfd.h>
