/* mm.c: PV page tables (1:1 map of all RAM), the P2M tree, allocators. */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/hypercall.h>
#include <minios/page_alloc.h>
#include <minios/heap.h>
#include <minios/traps.h>

typedef uint64_t pgentry_t;

#define L1_SHIFT       12
#define L2_SHIFT       21
#define L3_SHIFT       30
#define L4_SHIFT       39
#define IDX(va, shift) (((va) >> (shift)) & 511)
#define PT_PROT        (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define RAM_PROT       (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
#define INVALID_MFN    (~0UL)

unsigned long *phys_to_machine;
unsigned long nr_ram_pages;

static pgentry_t *l4_table;      /* our (bootstrap) L4, mapped read-only */
static unsigned long early_next; /* early bump allocator: next free PFN */
static int allocator_ready;
static struct page_alloc ram;
static unsigned long nr_new_tables;

extern char _end[];

static unsigned long alloc_pt_pfn(void)
{
    if (allocator_ready) {
        long pfn = page_alloc_get(&ram, 1);
        if (pfn < 0)
            crash("out of memory for a page table");
        return pfn;
    }
    if (early_next >= nr_ram_pages)
        crash("out of memory while mapping RAM");
    return early_next++;
}

static void mmu_update_one(uint64_t ptr, uint64_t val)
{
    struct mmu_update req = {.ptr = ptr | MMU_NORMAL_PT_UPDATE, .val = val};
    long rc = hyp_mmu_update(&req, 1, NULL, DOMID_SELF);

    if (rc < 0) {
        printf("mmu_update(%#lx, %#lx) failed: %ld\n", (unsigned long)ptr,
               (unsigned long)val, rc);
        crash("page table update failed");
    }
}

/* Machine address of entry IDX of the table mapped at TABLE. */
static uint64_t entry_maddr(const pgentry_t *table, unsigned int idx)
{
    return ((uint64_t)virt_to_mfn(table) << PAGE_SHIFT) +
           idx * sizeof(pgentry_t);
}

static pgentry_t *entry_table(pgentry_t e)
{
    return mfn_to_virt((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/*
 * The table under entry IDX of TABLE, created if missing: a zeroed RAM
 * page, made read-only in the 1:1 map (Xen refuses writable mappings of
 * page tables), then hooked into its parent, which validates it.
 */
static pgentry_t *next_table(pgentry_t *table, unsigned int idx)
{
    pgentry_t e = table[idx];
    unsigned long pfn, mfn;
    void *va;

    if (e & _PAGE_PRESENT)
        return entry_table(e);
    pfn = alloc_pt_pfn();
    va = pfn_to_virt(pfn);
    memset(va, 0, PAGE_SIZE);
    /* After the write: in a clone it copied a shared page (a new MFN). */
    mfn = pfn_to_mfn(pfn);
    if (hyp_update_va_mapping((unsigned long)va,
                              ((uint64_t)mfn << PAGE_SHIFT) | _PAGE_PRESENT |
                                  _PAGE_ACCESSED,
                              UVMF_INVLPG | UVMF_LOCAL))
        crash("cannot make a new page table read-only");
    mmu_update_one(entry_maddr(table, idx),
                   ((uint64_t)mfn << PAGE_SHIFT) | PT_PROT);
    nr_new_tables++;
    return va;
}

static pgentry_t *l1_for(unsigned long va)
{
    pgentry_t *t = next_table(l4_table, IDX(va, L4_SHIFT));

    t = next_table(t, IDX(va, L3_SHIFT));
    return next_table(t, IDX(va, L2_SHIFT));
}

const uint64_t *page_table_l1(const void *va)
{
    return l1_for((unsigned long)va);
}

/* Map every RAM page PFN at VA PFN << 12 (read-write), batching. */
static void map_all_ram(void)
{
    struct mmu_update req[512];

    for (unsigned long base = 0; base < nr_ram_pages; base += 512) {
        pgentry_t *l1 = l1_for(base << PAGE_SHIFT);
        unsigned int n = 0;
        for (unsigned long pfn = base; pfn < base + 512 && pfn < nr_ram_pages;
             pfn++) {
            unsigned long mfn = pfn_to_mfn(pfn);
            if ((l1[pfn & 511] & _PAGE_PRESENT) || mfn == INVALID_MFN)
                continue;
            req[n].ptr = entry_maddr(l1, pfn & 511) | MMU_NORMAL_PT_UPDATE;
            req[n].val = ((uint64_t)mfn << PAGE_SHIFT) | RAM_PROT;
            n++;
        }
        if (n && hyp_mmu_update(req, n, NULL, DOMID_SELF) < 0)
            crash("cannot map RAM");
    }
}

/*
 * Publish the P2M for the toolstack and the clone hypercall: a 3-level
 * tree of MFNs (list of frame lists of P2M pages). The P2M pages are the
 * builder's, at start_info->mfn_list.
 */
static void publish_p2m_tree(void)
{
    unsigned long p2m_pfn = virt_to_pfn(phys_to_machine);
    unsigned long p2m_pages = PFN_UP(nr_ram_pages * sizeof(unsigned long));
    unsigned long nr_lists = (p2m_pages + 511) / 512;
    unsigned long *fll = pfn_to_virt(alloc_pt_pfn());

    if (nr_lists > 512)
        crash("P2M too large for the frame-list tree");
    memset(fll, 0, PAGE_SIZE);
    for (unsigned long k = 0; k < nr_lists; k++) {
        unsigned long *fl = pfn_to_virt(alloc_pt_pfn());
        memset(fl, 0, PAGE_SIZE);
        for (unsigned long i = 0; i < 512 && k * 512 + i < p2m_pages; i++)
            fl[i] = pfn_to_mfn(p2m_pfn + k * 512 + i);
        fll[k] = virt_to_mfn(fl);
    }
    shared_info->arch.max_pfn = nr_ram_pages;
    wmb();
    shared_info->arch.pfn_to_mfn_frame_list_list = virt_to_mfn(fll);
}

static void init_page_allocator(void)
{
    size_t bytes = page_alloc_bitmap_size(nr_ram_pages);
    unsigned long npages = PFN_UP(bytes);
    unsigned long *bitmap = pfn_to_virt(early_next);

    if (early_next + npages >= nr_ram_pages)
        crash("no memory for the page allocator");
    early_next += npages;
    page_alloc_init(&ram, bitmap, 0, nr_ram_pages);
    for (unsigned long pfn = early_next; pfn < nr_ram_pages; pfn++)
        if (pfn_to_mfn(pfn) != INVALID_MFN)
            page_alloc_release(&ram, pfn, 1);
    allocator_ready = 1;
}

static void *heap_get_pages(unsigned long n)
{
    return alloc_pages(n);
}

static void heap_put_pages(void *va, unsigned long n)
{
    free_pages(va, n);
}

static const struct heap_ops heap_ops = {heap_get_pages, heap_put_pages};
static struct heap heap;

void mm_init_early(unsigned long boot_stack_top)
{
    unsigned long pt_end;

    phys_to_machine = (unsigned long *)start_info->mfn_list;
    nr_ram_pages = start_info->nr_pages;
    l4_table = (pgentry_t *)start_info->pt_base;
    /* The builder's layout ends with the page tables and the boot stack;
     * everything above (up to nr_pages) is free. */
    pt_end = PFN_DOWN(start_info->pt_base) + start_info->nr_pt_frames;
    early_next = PFN_UP(boot_stack_top);
    if (early_next < pt_end)
        early_next = pt_end;
    if (early_next < PFN_UP((unsigned long)_end))
        early_next = PFN_UP((unsigned long)_end);
}

void mm_init(void)
{
    unsigned long first_free = early_next;

    map_all_ram();
    init_page_allocator();
    publish_p2m_tree();
    heap_init(&heap, &heap_ops);
    printf("minios: %lu MB RAM (%lu pages), %lu free, %lu page tables added,"
           " boot area %lu pages\n",
           nr_ram_pages >> 8, nr_ram_pages, ram.nfree, nr_new_tables,
           first_free);
}

void mm_map_shared_info(void)
{
    unsigned long va = VMAP_START;

    if (map_frame(va, start_info->shared_info >> PAGE_SHIFT,
                  _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED) < 0)
        crash("cannot map shared_info");
    shared_info = (shared_info_t *)va;
}

void *alloc_pages(unsigned long n)
{
    long pfn = page_alloc_get(&ram, n);

    return pfn < 0 ? NULL : pfn_to_virt(pfn);
}

void free_pages(void *va, unsigned long n)
{
    if (page_alloc_put(&ram, virt_to_pfn(va), n) < 0) {
        printf("free_pages(%p, %lu): pages not allocated\n", va, n);
        crash("bad free_pages");
    }
}

unsigned long free_page_count(void)
{
    return ram.nfree;
}

int map_frame(unsigned long va, unsigned long mfn, unsigned long prot)
{
    if (va < (nr_ram_pages << PAGE_SHIFT))
        return -EINVAL; /* RAM VAs stay 1:1 */
    l1_for(va);
    return hyp_update_va_mapping(va, ((uint64_t)mfn << PAGE_SHIFT) | prot,
                                 UVMF_INVLPG | UVMF_LOCAL);
}

int unmap_frame(unsigned long va)
{
    if (va < (nr_ram_pages << PAGE_SHIFT))
        return -EINVAL;
    return hyp_update_va_mapping(va, 0, UVMF_INVLPG | UVMF_LOCAL);
}

int set_page_prot(void *va, unsigned long prot)
{
    return hyp_update_va_mapping(
        (unsigned long)va, ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) | prot,
        UVMF_INVLPG | UVMF_LOCAL);
}

/* Next free page of the map area; page 0 is shared_info. */
static unsigned long vmap_next = 1;

void *vmap_reserve(unsigned long n)
{
    unsigned long va;

    if (vmap_next + n > VMAP_PAGES)
        return NULL;
    va = VMAP_START + (vmap_next << PAGE_SHIFT);
    vmap_next += n;
    return (void *)va;
}

void *vmap_frames(const unsigned long *mfns, unsigned long n)
{
    unsigned long va;

    if (vmap_next + n > VMAP_PAGES)
        return NULL;
    va = VMAP_START + (vmap_next << PAGE_SHIFT);
    for (unsigned long i = 0; i < n; i++) {
        if (map_frame(va + (i << PAGE_SHIFT), mfns[i],
                      _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED) < 0) {
            while (i-- > 0)
                unmap_frame(va + (i << PAGE_SHIFT));
            return NULL;
        }
    }
    vmap_next += n;
    return (void *)va;
}

/* malloc family on the heap. */
void *malloc(size_t size)
{
    return heap_alloc(&heap, size);
}

void *calloc(size_t n, size_t size)
{
    void *p;

    if (size && n > ~(size_t)0 / size)
        return NULL;
    p = heap_alloc(&heap, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *realloc(void *p, size_t size)
{
    return heap_realloc(&heap, p, size);
}

void free(void *p)
{
    heap_free(&heap, p);
}

void heap_check_fail(const char *what, const void *p)
{
    printf("malloc: %s of %p\n", what, p);
    crash("heap corruption");
}
