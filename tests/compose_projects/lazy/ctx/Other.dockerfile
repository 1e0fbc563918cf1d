FROM bb:1 AS base
RUN echo base > /f
FROM base AS final
RUN echo final > /f
FROM base AS unused
RUN exit 1
